public import Foundation
public import TetherCore
import TetherStore

/// What replication needs of the vault at the home region: the stored boxes and the data key
/// to copy to replicas, and the repair of a chunk whose box went bad from a replica's copy.
extension BackupVault {
    /// The sealed box of one of the account's chunks, exactly as stored; `nil` when the account
    /// holds no such chunk or its blob is gone.
    public func sealedChunk(account: AccountID, id: String) async throws -> Data? {
        guard try await self.store.backupChunk(account: account, id: id) != nil else { return nil }
        return try await self.blobs.get(account: account, key: id)
    }

    /// The account's data key wrapped under `transport` (``DirectoryKey/replicaTransportKey``)
    /// for a replica; `nil` when the account has no data key.
    public func transportDataKey(account: AccountID, transport: KeyEncryptionKey) async throws -> Data? {
        guard let key = try await self.dataKey(account: account, create: false) else { return nil }
        return try transport.wrap(key, account: account)
    }

    /// Replaces the stored box of chunk `id` with `box` (a replica's copy) when `box` opens under
    /// the account's key to exactly the chunk's bytes. Returns whether it did.
    public func repairChunk(account: AccountID, id: String, box: Data) async throws -> Bool {
        guard let chunk = try await self.store.backupChunk(account: account, id: id),
            let key = try await self.dataKey(account: account, create: false),
            let plaintext = try? key.open(box, context: id),
            plaintext.count == chunk.size, key.chunkIDs.id(of: plaintext).rawValue == id
        else { return false }
        try await self.gate.shared(account.rawValue) {
            try await self.blobs.put(box, account: account, key: id)
        }
        return true
    }
}

extension BackupVault {
    /// Takes in the backups of an account that moved here: its data key (wrapped here under this
    /// region's KEK), its chunk boxes (each made durable, then recorded) and its snapshots
    /// (committed once their chunks are in). Boxes and manifests are kept as sealed at the old
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
            for chunk in chunks {
                try await self.blobs.put(chunk.box, account: account, key: chunk.id)
                try await self.store.recordBackupChunk(
                    BackupChunkRecord(
                        id: chunk.id,
                        size: chunk.size,
                        storedSize: chunk.box.count,
                        touchedAt: self.clock()
                    ),
                    account: account
                )
            }
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
