public import Foundation
public import TetherCore
import TetherStore

// Pack files (`protocols/backup.md`, packs): the chunks of one upload request are sealed and
// written together as one blob, made durable once, then indexed in one transaction.

extension BackupVault {
    /// The most chunk bytes one pack request may carry.
    public static let maxPackChunkBytes = BackupPackBody.maxChunkBytes
    /// The largest pack request body.
    public static let maxPackBodyBytes = BackupPackBody.maxBodyBytes

    /// Verifies every chunk against its id, then seals the ones the account lacks and stores
    /// them as one durable pack, indexed in one transaction; chunks the account holds are only
    /// touched. Returns, per chunk, whether this call stored it.
    ///
    /// - Throws: `invalid_field` (`chunks`: none or too many bytes), `422 chunk_id_mismatch`
    ///   naming `chunks[i]`; nothing of the request is stored then.
    public func putChunks(account: AccountID, chunks: [(id: ChunkID, data: Data)]) async throws -> [Bool] {
        guard !chunks.isEmpty, chunks.count <= BackupPackBody.maxChunks else {
            throw TetherError.invalidField("chunks", "must hold 1 to \(BackupPackBody.maxChunks) chunks")
        }
        guard chunks.reduce(0, { $0 + $1.data.count }) <= Self.maxPackChunkBytes else {
            throw TetherError.invalidField("chunks", "may hold at most \(Self.maxPackChunkBytes) bytes")
        }
        for (index, chunk) in chunks.enumerated() where chunk.data.isEmpty || chunk.data.count > Self.maxChunkBytes {
            throw TetherError.invalidField("chunks[\(index)].size", "must be 1 to \(Self.maxChunkBytes) bytes")
        }
        let key = try await self.dataKey(account: account, create: true)!
        for (index, chunk) in chunks.enumerated() where key.chunkIDs.id(of: chunk.data) != chunk.id {
            throw TetherError.chunkIDMismatch(index: index)
        }
        return try await self.storePack(chunks, key: key, account: account)
    }

    /// Stores verified chunks: the new ones sealed into one pack blob (durable when the blob store
    /// returns), then recorded in one transaction. Returns, per chunk, whether it was new.
    func storePack(
        _ chunks: [(id: ChunkID, data: Data)],
        key: AccountDataKey,
        account: AccountID
    ) async throws
        -> [Bool]
    {
        try await self.gate.shared(account.rawValue) {
            let held = try await self.store.backupChunks(account: account, ids: chunks.map(\.id.rawValue))
            let now = self.clock()
            var pack = Data(capacity: chunks.reduce(0) { $0 + $1.data.count + AccountDataKey.sealOverhead })
            var records: [BackupChunkRecord] = []
            var placed = Set<String>()
            var created: [Bool] = []
            for chunk in chunks {
                let id = chunk.id.rawValue
                guard held[id] == nil, placed.insert(id).inserted else {
                    created.append(false)
                    continue
                }
                let box = try key.seal(chunk.data, context: id)
                records.append(
                    BackupChunkRecord(
                        id: id,
                        size: chunk.data.count,
                        storedSize: box.count,
                        touchedAt: now,
                        pack: "",
                        offset: pack.count
                    )
                )
                pack.append(box)
                created.append(true)
            }
            if !held.isEmpty {
                _ = try await self.store.missingBackupChunks(account: account, ids: Array(held.keys), now: now)
            }
            guard !records.isEmpty else { return created }
            let packID = Self.newPackID()
            try await self.blobs.put(pack, account: account, key: packID)
            let recorded = try await self.store.recordBackupPack(
                BackupPackRecord(id: packID, size: pack.count, createdAt: now),
                chunks: records,
                account: account
            )
            // A racing request of the same account may have recorded a chunk first: it keeps its place.
            var index = 0
            return chunks.map { chunk in
                defer { index += 1 }
                return created[index] && recorded.contains(chunk.id.rawValue)
            }
        }
    }

    /// Deletes the packs no chunk lies in any more and rewrites those more than half dead: their
    /// live boxes are copied (as they are: a box is bound to its chunk id, not its place) into new
    /// packs, made durable and re-indexed before the old packs go; then deletes pack files no
    /// record names. Returns the bytes freed on disk (removed packs less the new ones). Run under
    /// the account's exclusive gate.
    func compact(account: AccountID) async throws -> Int64 {
        let packs = try await self.store.backupPacks(account: account)
        let sparse = packs.filter { $0.liveChunks > 0 && $0.liveBytes * 2 < $0.size }
        var written: Int64 = 0
        if !sparse.isEmpty {
            let ids = Set(sparse.map(\.id))
            let live = try await self.store.backupChunks(account: account).filter { ids.contains($0.pack) }
            var batch: [(BackupChunkRecord, Data)] = []
            var batchBytes = 0
            for chunk in live {
                guard let box = try await self.box(of: chunk, account: account) else { continue }
                batch.append((chunk, box))
                batchBytes += box.count
                if batchBytes >= Self.maxPackChunkBytes {
                    written += try await self.writePack(batch, account: account)
                    batch = []
                    batchBytes = 0
                }
            }
            if !batch.isEmpty { written += try await self.writePack(batch, account: account) }
        }
        let candidates = packs.filter { $0.liveChunks == 0 }.map(\.id) + sparse.map(\.id)
        let removed = Set(try await self.store.deleteEmptyBackupPacks(candidates, account: account))
        try await self.blobs.delete(account: account, keys: Array(removed))
        let freed = packs.filter { removed.contains($0.id) }.reduce(Int64(0)) { $0 + Int64($1.size) }
        return freed - written + (try await self.sweepUnindexedPacks(account: account))
    }

    /// Deletes blobs no pack record names: packs a crash left between their sync and their
    /// commit (that request was never acknowledged). Returns their bytes. Safe only under the
    /// account's exclusive gate, when no upload is between the two.
    private func sweepUnindexedPacks(account: AccountID) async throws -> Int64 {
        let indexed = Set(try await self.store.backupPacks(account: account).map(\.id))
        let unindexed = try await self.blobs.keys(account: account).filter { !indexed.contains($0.key) }
        try await self.blobs.delete(account: account, keys: Array(unindexed.keys))
        return unindexed.values.reduce(Int64(0)) { $0 + Int64($1) }
    }

    /// Writes boxes sealed already (an adopted account's) as one durable pack and records them in
    /// one transaction; a chunk the account holds keeps its place.
    func storeSealedPack(_ boxes: [(id: String, size: Int, box: Data)], account: AccountID) async throws {
        var pack = Data(capacity: boxes.reduce(0) { $0 + $1.box.count })
        var records: [BackupChunkRecord] = []
        let now = self.clock()
        for chunk in boxes {
            records.append(
                BackupChunkRecord(
                    id: chunk.id,
                    size: chunk.size,
                    storedSize: chunk.box.count,
                    touchedAt: now,
                    pack: "",
                    offset: pack.count
                )
            )
            pack.append(chunk.box)
        }
        let id = Self.newPackID()
        try await self.blobs.put(pack, account: account, key: id)
        _ = try await self.store.recordBackupPack(
            BackupPackRecord(id: id, size: pack.count, createdAt: now),
            chunks: records,
            account: account
        )
    }

    /// Writes boxes as one new durable pack and points their chunks at it; returns its size.
    func writePack(_ boxes: [(BackupChunkRecord, Data)], account: AccountID) async throws -> Int64 {
        var pack = Data(capacity: boxes.reduce(0) { $0 + $1.1.count })
        var moved: [BackupChunkRecord] = []
        for (chunk, box) in boxes {
            var chunk = chunk
            chunk.offset = pack.count
            moved.append(chunk)
            pack.append(box)
        }
        let id = Self.newPackID()
        try await self.blobs.put(pack, account: account, key: id)
        try await self.store.moveBackupChunks(
            moved,
            into: BackupPackRecord(id: id, size: pack.count, createdAt: self.clock()),
            account: account
        )
        return Int64(pack.count)
    }

    /// A new pack's key: 32 random lower-case hex digits.
    static func newPackID() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}
