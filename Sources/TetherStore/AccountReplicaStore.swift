public import Foundation
public import TetherCore

/// A replica record as a region stores it: chunk records carry no payload here (their boxes
/// are blobs).
public struct StoredAccountReplica: Sendable, Hashable {
    /// Its replica key (``AccountReplicaRecord`` in TetherSync derives it).
    public var key: String
    /// Which record.
    public var record: AccountReplicaRecord
    /// Its bytes (`nil` for a chunk, whose box is a blob).
    public var payload: [UInt8]?

    /// A stored record.
    public init(key: String, record: AccountReplicaRecord, payload: [UInt8]?) {
        self.key = key
        self.record = record
        self.payload = payload
    }
}

/// What applying a batch from a home region changed.
public struct ReplicaApplyOutcome: Sendable, Hashable {
    /// Records written (new, or at another version).
    public var written: Int
    /// Records removed, so their blobs can go.
    public var deleted: [AccountReplicaRecord]

    /// An outcome.
    public init(written: Int, deleted: [AccountReplicaRecord]) {
        self.written = written
        self.deleted = deleted
    }
}

/// Account replication's storage: at a home region, which accounts changed and their settings
/// records; at a replica region, the records it holds of other regions' accounts.
public protocol AccountReplicaStore: Sendable {
    /// Every account homed here with its change sequence number (the `settings` record's version).
    ///
    /// The number is `TetherDomain.AccountChange`'s: every write that changes the account's
    /// replicated data raises it once, in the same transaction, by one atomic increment of the
    /// account's counter, so concurrent writers get distinct, strictly increasing numbers and
    /// none is lost.
    func accountChangeSequences() async throws -> [AccountID: Int64]

    /// The account's replicated records (``AccountRecords`` for
    /// ``AccountRecords/Purpose/replica``), with the change sequence number they are at, read
    /// in one transaction; `nil` when there is no such account.
    func accountSettingsRecords(account: AccountID) async throws -> (seq: Int64, records: AccountRecords)?

    /// The records held of `home`'s accounts, with their keys (payloads left out).
    func replicaRecords(home: RegionID) async throws -> [StoredAccountReplica]

    /// One record held of `home`'s account, with its payload.
    func replicaRecord(
        home: RegionID,
        account: AccountID,
        kind: AccountReplicaRecord.Kind,
        name: String
    ) async throws
        -> StoredAccountReplica?

    /// Applies a batch from `home` in one transaction: writes `upserts`, then removes the
    /// records under `deleteKeys` and key prefixes `deletePrefixes`, and every record of
    /// `deleteAccounts`.
    func applyReplicaRecords(
        home: RegionID,
        upserts: [StoredAccountReplica],
        deleteKeys: [String],
        deletePrefixes: [String],
        deleteAccounts: [AccountID],
        at date: Date
    ) async throws -> ReplicaApplyOutcome
}
