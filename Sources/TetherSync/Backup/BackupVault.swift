public import Foundation
public import TetherCore
public import TetherStore

/// The server side of backups: keys, verified and sealed chunks stored in pack blobs, atomic
/// snapshot commits, prune and scrub. Routes call it; it talks to storage only through ``BackupStore`` and
/// ``BlobStore``.
///
/// ```swift
/// let vault = BackupVault(store: store, blobs: try FileBlobStore.open(dataDirectory: dir), kek: kek)
/// let key = try await vault.chunkIDKey(account: account)      // the client names chunks with it
/// try await vault.putChunk(account: account, id: id, body: bytes)
/// try await vault.putChunks(account: account, chunks: BackupPackBody.decode(body))  // one pack
/// ```
public struct BackupVault: Sendable {
    let store: any BackupStore
    let blobs: any BlobStore
    /// The region's key-encryption key.
    public let kek: KeyEncryptionKey
    let clock: @Sendable () -> Date
    let gate = AccountGate()
    private let keys = DataKeyCache()

    /// The most ids one `missing` call may ask about.
    public static let maxMissingQuery = 10_000
    /// The largest chunk accepted: the chunker's maximum.
    public static let maxChunkBytes = ChunkingParameters.standard.maxSize
    /// The largest manifest accepted.
    public static let maxManifestBytes = 64 << 20
    /// How long an unreferenced chunk is kept after its last upload or presence check, by default.
    public static let defaultPruneGrace = Duration.seconds(3_600)

    /// A vault over `store` and `blobs`, with `kek` wrapping data keys.
    public init(
        store: any BackupStore,
        blobs: any BlobStore,
        kek: KeyEncryptionKey,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.blobs = blobs
        self.kek = kek
        self.clock = clock
    }

    // MARK: Keys

    /// The account's data key, made (and wrapped) on first use when `create` is set.
    ///
    /// - Throws: ``TetherError`` `kek_mismatch` (503) when the key was wrapped by another KEK.
    public func dataKey(account: AccountID, create: Bool) async throws -> AccountDataKey? {
        if let key = self.keys.key(of: account) { return key }
        var wrapped = try await self.store.wrappedDataKey(account: account)
        if wrapped == nil && create {
            let key = AccountDataKey.random()
            wrapped = try await self.store.insertWrappedDataKey(
                WrappedDataKey(
                    account: account,
                    kekID: self.kek.id,
                    wrapped: try self.kek.wrap(key, account: account),
                    createdAt: self.clock()
                )
            )
        }
        guard let wrapped else { return nil }
        guard wrapped.kekID == self.kek.id else {
            throw TetherError(
                code: "kek_mismatch",
                kind: .unavailable,
                detail: "The account's data key is wrapped by KEK \(wrapped.kekID); this server holds \(self.kek.id)."
            )
        }
        let key = try self.kek.unwrap(wrapped.wrapped, account: account)
        self.keys.hold(key, for: account)
        return key
    }

    /// The account's chunk-id key as 64 hex digits (making its data key on first use).
    public func chunkIDKey(account: AccountID) async throws -> String {
        try await self.dataKey(account: account, create: true)!.chunkIDs.hexKey
    }

    // MARK: Chunks

    /// Of `ids`, those the account does not hold, in the order given (each once).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `ids` (too many) or `ids[i]` (malformed).
    public func missing(account: AccountID, ids: [String]) async throws -> [ChunkID] {
        guard ids.count <= Self.maxMissingQuery else {
            throw TetherError.invalidField("ids", "may hold at most \(Self.maxMissingQuery) ids per call")
        }
        var seen = Set<String>()
        var unique: [String] = []
        for (index, id) in ids.enumerated() {
            _ = try ChunkID(validating: id, field: "ids[\(index)]")
            if seen.insert(id).inserted { unique.append(id) }
        }
        return try await self.store.missingBackupChunks(account: account, ids: unique, now: self.clock())
            .map { try ChunkID(validating: $0) }
    }

    /// Verifies that `body` hashes to `id`, seals it and stores it durably (a pack of one); a
    /// chunk the account holds already is only touched. Returns whether it was new.
    ///
    /// - Throws: `invalid_field` (chunkId, body), `422 chunk_id_mismatch`; nothing is stored then.
    @discardableResult
    public func putChunk(account: AccountID, id: String, body: Data) async throws -> Bool {
        let chunkID = try ChunkID(validating: id, field: "chunkId")
        guard !body.isEmpty, body.count <= Self.maxChunkBytes else {
            throw TetherError.invalidField("body", "must be 1 to \(Self.maxChunkBytes) bytes")
        }
        let key = try await self.dataKey(account: account, create: true)!
        guard key.chunkIDs.id(of: body) == chunkID else { throw TetherError.chunkIDMismatch }
        return try await self.storePack([(chunkID, body)], key: key, account: account)[0]
    }

    /// A chunk's plaintext, opened and checked against its id.
    ///
    /// - Throws: `404 not_found` when the account holds no such chunk; `500 backup_corrupt`.
    public func chunk(account: AccountID, id: String) async throws -> Data {
        _ = try ChunkID(validating: id, field: "chunkId")
        guard let record = try await self.store.backupChunk(account: account, id: id),
            let key = try await self.dataKey(account: account, create: false)
        else { throw TetherError.notFound("chunk", field: "chunkId") }
        guard let box = try await self.box(of: record, account: account) else {
            throw TetherError.backupCorrupt("chunk \(id)")
        }
        let plaintext: Data
        do {
            plaintext = try key.open(box, context: id)
        } catch {
            throw TetherError.backupCorrupt("chunk \(id)")
        }
        guard key.chunkIDs.id(of: plaintext).rawValue == id else { throw TetherError.backupCorrupt("chunk \(id)") }
        return plaintext
    }

    /// The sealed box of a recorded chunk, read from its pack; `nil` when the pack lacks it.
    func box(of chunk: BackupChunkRecord, account: AccountID) async throws -> Data? {
        try await self.blobs.get(account: account, key: chunk.pack, offset: chunk.offset, length: chunk.storedSize)
    }

    // MARK: Snapshots

    /// Validates `manifest` (JSON), checks each file's size against its chunks, and commits the
    /// snapshot atomically only when the account holds every chunk it names.
    ///
    /// - Throws: `invalid_field` naming the entry; `409 chunks_missing`; nothing is stored then.
    public func commit(account: AccountID, manifest data: Data) async throws -> BackupSnapshotRecord {
        guard data.count <= Self.maxManifestBytes else {
            throw TetherError.invalidField("manifest", "must be at most \(Self.maxManifestBytes) bytes")
        }
        let manifest = try BackupManifest.decode(data)
        let key = try await self.dataKey(account: account, create: true)!
        let ids = manifest.chunkIDs.map(\.rawValue)
        let sizes = try await self.store.backupChunks(account: account, ids: ids).mapValues(\.size)
        var missing: [String] = []
        var seen = Set<String>()
        for id in ids where sizes[id] == nil && seen.insert(id).inserted { missing.append(id) }
        guard missing.isEmpty else { throw TetherError.chunksMissing(missing) }
        for (index, entry) in manifest.entries.enumerated() where entry.kind == .file {
            let total = entry.chunks.reduce(Int64(0)) { $0 + Int64(sizes[$1.rawValue] ?? 0) }
            guard total == entry.size else {
                throw TetherError.invalidField(
                    "entries[\(index)].size",
                    "is \(entry.size) but its chunks hold \(total) bytes"
                )
            }
        }
        let snapshot = BackupSnapshotRecord(
            id: "snp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16),
            account: account,
            createdAt: self.clock(),
            files: manifest.fileCount,
            bytes: manifest.byteCount
        )
        let sealed = try key.seal(data, context: snapshot.id)
        let stillMissing = try await self.store.commitBackupSnapshot(snapshot, manifest: sealed, chunks: ids)
        guard stillMissing.isEmpty else { throw TetherError.chunksMissing(stillMissing) }
        return snapshot
    }

    /// The account's snapshots, oldest first.
    public func snapshots(account: AccountID) async throws -> [BackupSnapshotRecord] {
        try await self.store.backupSnapshots(account: account)
    }

    /// A snapshot and its manifest (the JSON as committed).
    ///
    /// - Throws: `404 not_found` (field `snapshotId`) when the account has no such snapshot.
    public func snapshot(account: AccountID, id: String) async throws -> (BackupSnapshotRecord, Data) {
        guard let (record, sealed) = try await self.store.backupSnapshot(account: account, id: id),
            let key = try await self.dataKey(account: account, create: false)
        else { throw TetherError.notFound("snapshot", field: "snapshotId") }
        do {
            return (record, try key.open(sealed, context: id))
        } catch {
            throw TetherError.backupCorrupt("manifest of \(id)")
        }
    }

    /// Removes a snapshot; its chunks go at the next prune unless another snapshot references them.
    public func forget(account: AccountID, id: String) async throws -> BackupSnapshotRecord {
        guard let record = try await self.store.deleteBackupSnapshot(account: account, id: id) else {
            throw TetherError.notFound("snapshot", field: "snapshotId")
        }
        return record
    }

    /// Deletes the chunks no snapshot references and untouched for `grace` (so a push in flight,
    /// which touched or uploaded its chunks moments ago, keeps them), rows first, then the packs
    /// left empty; packs more than half dead are repacked (``compact(account:)``).
    public func prune(account: AccountID, grace: Duration = Self.defaultPruneGrace) async throws -> BackupPruneReport {
        try await self.gate.exclusive(account.rawValue) {
            let cutoff = self.clock().addingTimeInterval(-Double(grace.components.seconds))
            let deleted = try await self.store.deleteUnreferencedBackupChunks(account: account, touchedBefore: cutoff)
            let freed = try await self.compact(account: account)
            let kept = try await self.store.backupChunks(account: account).count
            return BackupPruneReport(
                deletedChunks: deleted.count,
                deletedBytes: deleted.reduce(0) { $0 + Int64($1.size) },
                deletedStoredBytes: freed,
                keptChunks: kept
            )
        }
    }

    /// Scrubs the account: reads each pack once, re-opens every chunk's box in it and recomputes
    /// the chunk's id and size; opens every manifest.
    public func verify(account: AccountID) async throws -> BackupVerifyReport {
        let chunks = try await self.store.backupChunks(account: account)
        let snapshots = try await self.store.backupSnapshots(account: account)
        var report = BackupVerifyReport(
            checkedChunks: 0,
            checkedBytes: 0,
            corruptChunks: [],
            checkedSnapshots: 0,
            corruptSnapshots: []
        )
        guard let key = try await self.dataKey(account: account, create: false) else { return report }
        for (pack, inPack) in Dictionary(grouping: chunks, by: \.pack).sorted(by: { $0.key < $1.key }) {
            let blob = try await self.blobs.get(account: account, key: pack)
            for chunk in inPack {
                report.checkedChunks += 1
                report.checkedBytes += Int64(chunk.storedSize)
                let end = chunk.offset + chunk.storedSize
                guard let blob, chunk.offset >= 0, end <= blob.count else {
                    report.corruptChunks.append(chunk.id)
                    continue
                }
                let box = blob.subdata(in: blob.startIndex + chunk.offset..<blob.startIndex + end)
                let plaintext = try? key.open(box, context: chunk.id)
                if plaintext.map({ key.chunkIDs.id(of: $0).rawValue != chunk.id || $0.count != chunk.size }) ?? true {
                    report.corruptChunks.append(chunk.id)
                }
            }
        }
        report.corruptChunks.sort()
        for snapshot in snapshots {
            report.checkedSnapshots += 1
            do {
                let (_, manifest) = try await self.snapshot(account: account, id: snapshot.id)
                _ = try BackupManifest.decode(manifest)
            } catch {
                report.corruptSnapshots.append(snapshot.id)
            }
        }
        return report
    }

    /// Deletes every backup of the account: the wrapped data key first (after which nothing
    /// sealed under it can be opened), then its rows and blobs.
    public func deleteAll(account: AccountID) async throws {
        try await self.gate.exclusive(account.rawValue) {
            self.keys.forget(account)
            try await self.store.deleteBackups(account: account)
            self.keys.forget(account)
            try await self.blobs.deleteAll(account: account)
        }
    }

    /// Re-wraps every data key wrapped by `old` under `new`, in one transaction; returns how
    /// many were re-wrapped (keys already under `new` are left).
    ///
    /// - Throws: ``TetherError`` `kek_mismatch` when a key is wrapped by neither.
    public static func rotate(
        store: any BackupStore,
        from old: KeyEncryptionKey,
        to new: KeyEncryptionKey
    ) async throws
        -> Int
    {
        var rewrapped: [WrappedDataKey] = []
        for var wrapped in try await store.wrappedDataKeys() where wrapped.kekID != new.id {
            guard wrapped.kekID == old.id else {
                throw TetherError(
                    code: "kek_mismatch",
                    kind: .invalidInput,
                    field: "kek-file",
                    detail: "The data key of \(wrapped.account) is wrapped by KEK \(wrapped.kekID), not \(old.id)."
                )
            }
            let key = try old.unwrap(wrapped.wrapped, account: wrapped.account)
            wrapped.wrapped = try new.wrap(key, account: wrapped.account)
            wrapped.kekID = new.id
            rewrapped.append(wrapped)
        }
        try await store.replaceWrappedDataKeys(rewrapped)
        return rewrapped.count
    }
}
