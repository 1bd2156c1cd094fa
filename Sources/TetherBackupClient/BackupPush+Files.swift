import Foundation
import TetherCore
import TetherSync

#if canImport(Glibc)
import Glibc
#endif

extension BackupPush {
    /// One file as read: its chunks, its size, and whether it stayed as it was listed.
    struct ReadFile {
        var chunks: [ChunkID] = []
        var size: Int64 = 0
        var unchanged = false
    }

    /// Reads `item`'s file chunk by chunk, handing each to `uploader`.
    func read(_ item: BackupTree.Item, hasher: ChunkHasher, into uploader: BackupUploader) async throws -> ReadFile {
        let descriptor = item.source.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
        guard descriptor >= 0 else { throw BackupClientError(.localFile, "cannot read \(item.source): errno \(errno)") }
        defer { close(descriptor) }
        let reader = FileChunkReader(descriptor: descriptor)
        var file = ReadFile()
        while let chunk = try Self.next(reader) {
            let id = hasher.id(of: chunk)
            file.chunks.append(id)
            file.size += Int64(chunk.count)
            self.options.report(.progressed(bytes: chunk.count))
            try await uploader.add(id, chunk)
        }
        file.unchanged =
            file.size == item.status.size && BackupTree.FileStatus.of(descriptor: descriptor) == item.status
        return file
    }

    /// The next chunk of `reader`, a read failure as a ``BackupClientError``.
    private static func next(_ reader: FileChunkReader) throws(BackupClientError) -> Data? {
        do {
            return try reader.next()
        } catch {
            throw BackupClientError(.localFile, "\(error)")
        }
    }

    /// The files of `items` (by index) whose chunks the cache knows and the server holds: those
    /// need not be read. Asking also keeps their chunks from a prune for its grace period.
    func reusable(_ items: [BackupTree.Item], cache: BackupFileCache?) async throws -> [Int: [ChunkID]] {
        guard let cache else { return [:] }
        var reused: [Int: [ChunkID]] = [:]
        for index in items.indices where items[index].entry.kind == .file {
            if let chunks = cache.chunks(of: BackupFileCache.key(items[index].source), status: items[index].status) {
                reused[index] = chunks
            }
        }
        let lacking = try await BackupUploader.missing(
            Set(reused.values.joined()),
            server: self.server,
            options: self.options
        )
        return reused.filter { $0.value.allSatisfy { !lacking.contains($0) } }
    }
}
