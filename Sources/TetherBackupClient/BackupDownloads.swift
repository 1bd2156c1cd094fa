import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherSync

/// What restore and verify fetch: manifests and chunks, each checked.
enum BackupDownloads {
    /// A snapshot's manifest, validated.
    static func manifest(_ server: any BackupServer, snapshot: String) async throws -> BackupManifest {
        let data = try await server.perform {
            try await Data(
                collecting: try $0.getBackupManifest(path: .init(snapshotId: snapshot)).ok.body.binary,
                upTo: BackupVault.maxManifestBytes
            )
        }
        do {
            return try BackupManifest.decode(data)
        } catch {
            throw BackupClientError(.corrupt, "snapshot \(snapshot) has a malformed manifest: \(error.detail)")
        }
    }

    /// One chunk, checked against its id.
    static func chunk(_ server: any BackupServer, _ id: ChunkID, hasher: ChunkHasher) async throws -> Data {
        let data = try await server.perform {
            try await Data(
                collecting: try $0.getBackupChunk(path: .init(chunkId: id.rawValue)).ok.body.binary,
                upTo: BackupVault.maxChunkBytes
            )
        }
        guard hasher.id(of: data) == id else {
            throw BackupClientError(.corrupt, "chunk \(id) does not match its id: it is corrupt")
        }
        return data
    }
}
