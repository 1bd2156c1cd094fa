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
                acknowledged are not sent again.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files and directories to back up.")
        var paths: [String]

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
            let uploader = BackupUploader(connection: connection, progress: progress)
            for index in items.indices where items[index].entry.kind == .file {
                let source = items[index].source
                let descriptor = source.withCString { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
                guard descriptor >= 0 else { throw CLIError("cannot read \(source): errno \(errno)") }
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
                // What was read, should the file have changed since it was listed.
                items[index].entry.chunks = ids
                items[index].entry.size = size
                progress.fileDone()
            }
            try await uploader.flush()
            let manifest = BackupManifest(entries: items.map(\.entry))
            let body = try manifest.encoded()
            let snapshot = try await connection.call {
                try await $0.commitBackupSnapshot(body: .binary(HTTPBody(body))).created.body.json
            }
            progress.finish()
            let output = BackupPushOutput(
                snapshotId: snapshot.id,
                files: snapshot.files,
                bytes: snapshot.bytes,
                newBytes: uploader.newBytes,
                transferredBytes: uploader.transferredBytes,
                deduplicatedBytes: uploader.deduplicatedBytes,
                chunks: uploader.chunks,
                newChunks: uploader.newChunks
            )
            try Output(self.global).emit(output) { output.text }
        }
    }
}
