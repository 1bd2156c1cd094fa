import TetherAPI
import TetherSync

extension ChunkHasher {
    /// The account's chunk hasher, from the key the server hands out.
    static func fetch(from server: any BackupServer) async throws(BackupClientError) -> ChunkHasher {
        let key = try await server.perform { try await $0.getBackupKey().ok.body.json.chunkIdKey }
        do {
            return try ChunkHasher(hexKey: key)
        } catch {
            throw BackupClientError(.corrupt, "the server sent a malformed chunk-id key")
        }
    }
}
