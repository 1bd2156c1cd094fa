import Foundation
import TetherCore
import TetherStore

/// What a replica region held of a home's account under peer protocol 1: its settings record
/// (SQLite's rows) and its data key.
enum ProtocolOneReplicas {
    static let home = RegionID(rawValue: "us")!
    static let account = AccountID(rawValue: "0f8fad5b-d9cb-469f-a165-70867728950e")

    /// Stores the two records in `store`.
    static func hold(in store: any AccountReplicaStore) async throws {
        let rows = #"{"tables": {"account": [{"id": {"t": "0f8fad5b-d9cb-469f-a165-70867728950e"}}]}}"#
        let records: [(AccountReplicaRecord.Kind, String, [UInt8])] = [
            (.settings, "7", Array(rows.utf8)), (.dataKey, "1", [1, 2, 3]),
        ]
        _ = try await store.applyReplicaRecords(
            home: Self.home,
            upserts: records.map { kind, version, payload in
                StoredAccountReplica(
                    key: "\(kind.rawValue)-key",
                    record: AccountReplicaRecord(account: Self.account, kind: kind, version: version),
                    payload: payload
                )
            },
            deleteKeys: [],
            deletePrefixes: [],
            deleteAccounts: [],
            at: Date()
        )
    }

    /// The kinds of record `store` holds of the home.
    static func kinds(in store: any AccountReplicaStore) async throws -> [AccountReplicaRecord.Kind] {
        try await store.replicaRecords(home: Self.home).map(\.record.kind)
    }
}
