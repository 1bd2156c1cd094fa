public import Foundation
public import TetherCore
import TetherStore

/// What replication needs of the vault at the home region: the stored boxes and the data key
/// to copy to replicas, and the repair of a chunk whose box went bad from a replica's copy.
extension BackupVault {
    /// The sealed box of one of the account's chunks, exactly as stored; `nil` when the account
    /// holds no such chunk or its blob is gone.
    public func sealedChunk(account: AccountID, id: String) async throws -> Data? {
        guard let chunk = try await self.store.backupChunk(account: account, id: id) else { return nil }
        return try await self.box(of: chunk, account: account)
    }

    /// The account's data key sealed by `transport` for `receiver` only; `nil` when the account
    /// has no data key.
    public func sealedDataKey(
        account: AccountID,
        transport: DataKeyTransport,
        to receiver: RegionDirectory.Region
    ) async throws -> Data? {
        guard let key = try await self.dataKey(account: account, create: false) else { return nil }
        return try transport.seal(key, account: account, to: receiver)
    }

    /// Replaces the stored box of chunk `id` with `box` (a replica's copy) when `box` opens under
    /// the account's key to exactly the chunk's bytes: the box is written as a new pack of one and
    /// the chunk pointed at it (its bad copy stays dead space in its old pack until a prune
    /// repacks or deletes that). Returns whether it did.
    public func repairChunk(account: AccountID, id: String, box: Data) async throws -> Bool {
        guard let chunk = try await self.store.backupChunk(account: account, id: id),
            let key = try await self.dataKey(account: account, create: false),
            let plaintext = try? key.open(box, context: id),
            plaintext.count == chunk.size, key.chunkIDs.id(of: plaintext).rawValue == id
        else { return false }
        _ = try await self.gate.shared(account.rawValue) {
            try await self.writePack([(chunk, box)], account: account)
        }
        return true
    }
}

extension BackupVault {
    /// Takes in the backups of an account that moved here: its data key (wrapped here under this
    /// region's KEK), its chunk boxes (written in packs of up to 16 MiB, each durable, then
    /// recorded in one transaction) and its snapshots (committed once their chunks are in). Boxes and manifests are kept as sealed at the old
    /// home: the data key is the same, so chunk ids and client caches stay valid.
    public func adopt(
        account: AccountID,
        dataKey: AccountDataKey,
        chunks: [(id: String, size: Int, box: Data)],
        snapshots: [ReplicatedSnapshot]
    ) async throws {
        _ = try await self.store.insertWrappedDataKey(
            WrappedDataKey(
                account: account,
                kekID: self.kek.id,
                wrapped: try self.kek.wrap(dataKey, account: account),
                createdAt: self.clock()
            )
        )
        try await self.gate.shared(account.rawValue) {
            var pack: [(id: String, size: Int, box: Data)] = []
            var bytes = 0
            for chunk in chunks {
                if !pack.isEmpty && bytes + chunk.box.count > Self.maxPackChunkBytes {
                    try await self.storeSealedPack(pack, account: account)
                    pack = []
                    bytes = 0
                }
                pack.append(chunk)
                bytes += chunk.box.count
            }
            if !pack.isEmpty { try await self.storeSealedPack(pack, account: account) }
        }
        for snapshot in snapshots.sorted(by: { $0.createdAtMs < $1.createdAtMs }) {
            let manifest = try BackupManifest.decode(try dataKey.open(snapshot.manifest, context: snapshot.id))
            let missing = try await self.store.commitBackupSnapshot(
                snapshot.record(account: account),
                manifest: snapshot.manifest,
                chunks: manifest.chunkIDs.map(\.rawValue)
            )
            guard missing.isEmpty else { throw TetherError.chunksMissing(missing) }
        }
    }
}
