import ArgumentParser
import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherSync

#if canImport(Glibc)
import Glibc
#endif

extension BackupCommand {
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up files and directories as a new snapshot, sending only the chunks the server lacks.",
            discussion: """
                Symbolic links are recorded, not followed. Each PATH becomes a top-level entry named by its \
                last component. A push that was interrupted resumes when run again: chunks the server \
                acknowledged are not sent again. Files whose path, size, mtime, ctime, inode and device \
                match the last push's are not read again; their chunks are reused once the server \
                confirms it holds them (--force reads everything).
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files and directories to back up.")
        var paths: [String]

        @Flag(help: "Read every file, ignoring the file cache of the last push (like restic's --force).")
        var force = false

        func validate() throws {
            guard !self.paths.isEmpty else { throw ValidationError("give at least one PATH") }
        }

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let hasher = try await BackupCommand.hasher(connection)
            var items: [BackupTree.Item]
            do {
                items = try BackupTree.scan(roots: self.paths) { path in
                    FileHandle.standardError.write(Data("skipped \(path): not a file, directory or link\n".utf8))
                }
            } catch {
                throw ValidationError(error.detail)
            }
            let files = items.filter { $0.entry.kind == .file }
            let progress = BackupProgress(
                verb: "push",
                totalBytes: files.reduce(0) { $0 + $1.entry.size },
                totalFiles: files.count,
                json: self.global.json
            )
            let cacheURL = BackupFileCache.url(
                account: try Profile.load().accountId ?? "",
                server: connection.serverURL
            )
            var cache = BackupFileCache(url: cacheURL)
            let reused = try await Self.reusable(
                items,
                cache: self.force ? cache : BackupFileCache.load(from: cacheURL),
                connection: connection
            )
            let uploader = BackupUploader(connection: connection, progress: progress)
            var readBytes: Int64 = 0
            for index in items.indices where items[index].entry.kind == .file {
                let item = items[index]
                if let chunks = reused[index] {
                    items[index].entry.chunks = chunks
                    uploader.stored(chunks, bytes: item.entry.size)
                    cache.remember(BackupFileCache.key(item.source), status: item.status, chunks: chunks)
                    progress.add(bytes: Int(item.entry.size))
                    progress.fileDone()
                    continue
                }
                let descriptor = item.source.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
                guard descriptor >= 0 else { throw CLIError("cannot read \(item.source): errno \(errno)") }
                defer { close(descriptor) }
                let reader = FileChunkReader(descriptor: descriptor)
                var ids: [ChunkID] = []
                var size: Int64 = 0
                while let chunk = try reader.next() {
                    let id = hasher.id(of: chunk)
                    ids.append(id)
                    size += Int64(chunk.count)
                    progress.add(bytes: chunk.count)
                    try await uploader.add(id, chunk)
                }
                readBytes += size
                // What was read, should the file have changed since it was listed; and cached
                // only when it did not change while it was read.
                items[index].entry.chunks = ids
                items[index].entry.size = size
                if size == item.status.size, BackupTree.FileStatus.of(descriptor: descriptor) == item.status {
                    cache.remember(BackupFileCache.key(item.source), status: item.status, chunks: ids)
                }
                progress.fileDone()
            }
            try await uploader.flush()
            let manifest = BackupManifest(entries: items.map(\.entry))
            let body = try manifest.encoded()
            // Retried like the uploads: a server restarting just then must not fail a push whose
            // chunks are all stored. (Were the first commit to land and only its answer be lost,
            // the retry commits a second, identical snapshot.)
            let snapshot = try await BackupRetry.standard.run {
                try await connection.call {
                    try await $0.commitBackupSnapshot(body: .binary(HTTPBody(body))).created.body.json
                }
            }
            progress.finish()
            do {
                try cache.save()
            } catch {
                FileHandle.standardError.write(Data("warning: \(error)\n".utf8))
            }
            let output = BackupPushOutput(
                snapshotId: snapshot.id,
                files: snapshot.files,
                bytes: snapshot.bytes,
                newBytes: uploader.newBytes,
                transferredBytes: uploader.transferredBytes,
                deduplicatedBytes: uploader.deduplicatedBytes,
                chunks: uploader.chunks,
                newChunks: uploader.newChunks,
                readBytes: readBytes
            )
            try Output(self.global).emit(output) { output.text }
        }
    }
}

extension BackupCommand.Push {
    /// The files of `items` (by index) whose chunks the cache knows and the server holds: those
    /// need not be read. Asking also keeps their chunks from a prune for its grace period.
    static func reusable(
        _ items: [BackupTree.Item],
        cache: BackupFileCache,
        connection: ServerConnection
    ) async throws -> [Int: [ChunkID]] {
        var reused: [Int: [ChunkID]] = [:]
        for index in items.indices where items[index].entry.kind == .file {
            if let chunks = cache.chunks(of: BackupFileCache.key(items[index].source), status: items[index].status) {
                reused[index] = chunks
            }
        }
        let lacking = try await BackupUploader.missing(Set(reused.values.joined()), connection: connection)
        return reused.filter { $0.value.allSatisfy { !lacking.contains($0) } }
    }
}
