public import Foundation
public import TetherCore

/// An account's data key, wrapped by the region's key-encryption key.
public struct WrappedDataKey: Sendable, Hashable {
    public var account: AccountID
    /// The id of the KEK that wrapped it (16 hex digits).
    public var kekID: String
    /// The AES-GCM box of the 32-byte key.
    public var wrapped: Data
    public var createdAt: Date

    /// A wrapped key.
    public init(account: AccountID, kekID: String, wrapped: Data, createdAt: Date) {
        self.account = account
        self.kekID = kekID
        self.wrapped = wrapped
        self.createdAt = createdAt
    }
}

/// A chunk an account holds: its id (lower-case hex), plaintext size and sealed size.
public struct BackupChunkRecord: Sendable, Hashable {
    public var id: String
    public var size: Int
    public var storedSize: Int
    /// When it was last uploaded, or reported present to a push; prune spares recent ones.
    public var touchedAt: Date

    /// A chunk record.
    public init(id: String, size: Int, storedSize: Int, touchedAt: Date) {
        self.id = id
        self.size = size
        self.storedSize = storedSize
        self.touchedAt = touchedAt
    }
}

/// A committed snapshot.
public struct BackupSnapshotRecord: Sendable, Hashable {
    public var id: String
    public var account: AccountID
    public var createdAt: Date
    /// Files in it (directories and links not counted).
    public var files: Int
    /// The files' bytes.
    public var bytes: Int64

    /// A snapshot record.
    public init(id: String, account: AccountID, createdAt: Date, files: Int, bytes: Int64) {
        self.id = id
        self.account = account
        self.createdAt = createdAt
        self.files = files
        self.bytes = bytes
    }
}

/// What is stored about backups: wrapped data keys, the chunks each account holds, snapshots
/// with their sealed manifests, and which chunks each snapshot references (for prune). The
/// chunks' bytes live in a ``BlobStore``. Every call is scoped to the account.
public protocol BackupStore: Sendable {
    /// The account's wrapped data key, if it has one.
    func wrappedDataKey(account: AccountID) async throws -> WrappedDataKey?

    /// Stores `key` unless the account has one already; returns the one in force (the first wins).
    func insertWrappedDataKey(_ key: WrappedDataKey) async throws -> WrappedDataKey

    /// Every wrapped data key (for KEK rotation).
    func wrappedDataKeys() async throws -> [WrappedDataKey]

    /// Replaces wrapped keys in one transaction (a KEK rotation re-wraps them all).
    func replaceWrappedDataKeys(_ keys: [WrappedDataKey]) async throws

    /// Of `ids`, those the account does not hold, in the order given; the ones it holds are
    /// touched at `now`, so a prune within its grace period keeps them for the push that asked.
    func missingBackupChunks(account: AccountID, ids: [String], now: Date) async throws -> [String]

    /// One of the account's chunks.
    func backupChunk(account: AccountID, id: String) async throws -> BackupChunkRecord?

    /// Of `ids`, the chunks the account holds, by id, read in one transaction.
    func backupChunks(account: AccountID, ids: [String]) async throws -> [String: BackupChunkRecord]

    /// Records a chunk whose blob is durable (or touches it when it is recorded already).
    func recordBackupChunk(_ chunk: BackupChunkRecord, account: AccountID) async throws

    /// Every chunk the account holds, by id.
    func backupChunks(account: AccountID) async throws -> [BackupChunkRecord]

    /// Commits a snapshot with its sealed manifest and the chunks it references, in one
    /// transaction, only when the account holds every one of `chunks`. Returns the ids it lacks
    /// (nothing is stored then); empty when the snapshot was committed.
    func commitBackupSnapshot(
        _ snapshot: BackupSnapshotRecord,
        manifest: Data,
        chunks: [String]
    ) async throws
        -> [String]

    /// The account's snapshots, oldest first.
    func backupSnapshots(account: AccountID) async throws -> [BackupSnapshotRecord]

    /// One snapshot and its sealed manifest; `nil` when the account has no such snapshot.
    func backupSnapshot(account: AccountID, id: String) async throws -> (BackupSnapshotRecord, Data)?

    /// Removes a snapshot (its chunks stay until a prune); `nil` when the account has no such snapshot.
    func deleteBackupSnapshot(account: AccountID, id: String) async throws -> BackupSnapshotRecord?

    /// Removes the account's chunks that no snapshot references and that were touched before
    /// `touchedBefore`; returns them, so their blobs can go.
    func deleteUnreferencedBackupChunks(account: AccountID, touchedBefore: Date) async throws -> [BackupChunkRecord]

    /// Removes everything stored about the account's backups: its wrapped key (crypto-shredding),
    /// chunks and snapshots.
    func deleteBackups(account: AccountID) async throws
}
