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

/// A chunk an account holds: its id (lower-case hex), plaintext size, and where its sealed box
/// lies: `storedSize` bytes at `offset` in the pack blob `pack`.
public struct BackupChunkRecord: Sendable, Hashable {
    public var id: String
    public var size: Int
    public var storedSize: Int
    /// When it was last uploaded, or reported present to a push; prune spares recent ones.
    public var touchedAt: Date
    /// The pack (a blob key) holding its box; chunks stored before packs are packs of one named by their id.
    public var pack: String
    /// Where its box starts in the pack.
    public var offset: Int

    /// A chunk record.
    public init(id: String, size: Int, storedSize: Int, touchedAt: Date, pack: String, offset: Int) {
        self.id = id
        self.size = size
        self.storedSize = storedSize
        self.touchedAt = touchedAt
        self.pack = pack
        self.offset = offset
    }
}

/// A pack blob an account holds: its key, its size in bytes, and how much of it live chunks use.
public struct BackupPackRecord: Sendable, Hashable {
    /// The pack's blob key.
    public var id: String
    /// Its size in bytes: the boxes it was written with.
    public var size: Int
    /// When it was written.
    public var createdAt: Date
    /// Chunks recorded in it.
    public var liveChunks: Int
    /// Their stored bytes; the rest of the pack is dead (chunks pruned, or stored twice by racing uploads).
    public var liveBytes: Int

    /// A pack record.
    public init(id: String, size: Int, createdAt: Date, liveChunks: Int = 0, liveBytes: Int = 0) {
        self.id = id
        self.size = size
        self.createdAt = createdAt
        self.liveChunks = liveChunks
        self.liveBytes = liveBytes
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
/// chunks' bytes live in pack blobs of a ``BlobStore``; this store indexes them (chunk → pack,
/// offset, length). Every call is scoped to the account.
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

    /// Records a durable pack blob and the chunks in it, in one transaction. A chunk the account
    /// holds already keeps its place and is only touched. Returns the ids recorded by this call.
    func recordBackupPack(
        _ pack: BackupPackRecord,
        chunks: [BackupChunkRecord],
        account: AccountID
    ) async throws
        -> Set<String>

    /// Every pack the account holds, with its live chunks and bytes.
    func backupPacks(account: AccountID) async throws -> [BackupPackRecord]

    /// Records `pack` and points `chunks` (already in the account) at their new places in it, in
    /// one transaction (a prune's repack; the packs they leave are removed afterwards).
    func moveBackupChunks(_ chunks: [BackupChunkRecord], into pack: BackupPackRecord, account: AccountID) async throws

    /// Removes the records of `packs` that no chunk lies in any more; returns those removed, whose
    /// blobs can then go.
    func deleteEmptyBackupPacks(_ packs: [String], account: AccountID) async throws -> [String]

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
    /// chunks, packs and snapshots.
    func deleteBackups(account: AccountID) async throws
}
