public import Foundation
public import TetherCore
public import TetherStore

/// ``AccountReplicaStore`` on PostgreSQL.
extension PostgresStore {
    public func accountChangeSequences() async throws -> [AccountID: Int64] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func accountSettingsRows(account: AccountID) async throws -> (seq: Int64, rows: [UInt8])? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func replicaRecords(home: RegionID) async throws -> [StoredAccountReplica] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func replicaRecord(
        home: RegionID,
        account: AccountID,
        kind: AccountReplicaRecord.Kind,
        name: String
    ) async throws
        -> StoredAccountReplica?
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func applyReplicaRecords(
        home: RegionID,
        upserts: [StoredAccountReplica],
        deleteKeys: [String],
        deletePrefixes: [String],
        deleteAccounts: [AccountID],
        at date: Date
    ) async throws -> ReplicaApplyOutcome {
        throw PostgresStoreError.notImplemented(#function)
    }
}
