import ArgumentParser
import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherSync

extension BackupCommand {
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a snapshot: files, directories, symbolic links, modes and times.",
            discussion: "Every chunk is checked against its id. Nothing is written outside the target directory."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The snapshot id.")
        var snapshot: String

        @Option(help: "The directory to restore into (created when missing; default: the current directory).")
        var to: String = "."

        func run() async throws {
            let connection = try BackupCommand.connection(self.global)
            let hasher = try await BackupCommand.hasher(connection)
            let manifest = try await BackupCommand.manifest(connection, snapshot: self.snapshot)
            let files = manifest.entries.filter { $0.kind == .file }
            let progress = BackupProgress(
                verb: "restore",
                totalBytes: manifest.byteCount,
                totalFiles: files.count,
                json: self.global.json
            )
            var output = BackupRestoreOutput(
                snapshotId: self.snapshot,
                to: self.to,
                files: 0,
                directories: 0,
                symlinks: 0,
                bytes: 0
            )
            do {
                let target = try RestoreTarget(root: self.to)
                for entry in manifest.entries {
                    switch entry.kind {
                    case .directory:
                        try target.directory(entry)
                        output.directories += 1
                    case .symlink:
                        try target.symlink(entry)
                        output.symlinks += 1
                    case .file:
                        let descriptor = try target.openFile(entry)
                        // Four chunks download at once; they are written in order.
                        var start = 0
                        while start < entry.chunks.count {
                            let window = Array(entry.chunks[start..<min(start + 4, entry.chunks.count)])
                            for data in try await BackupCommand.download(connection, window, hasher: hasher) {
                                try target.write(data, to: descriptor)
                                output.bytes += Int64(data.count)
                                progress.add(bytes: data.count)
                            }
                            start += window.count
                        }
                        try target.closeFile(entry, descriptor: descriptor)
                        output.files += 1
                        progress.fileDone()
                    }
                }
                try target.finish()
            } catch let error as TetherError {
                throw CLIError("restore: \(error.detail)")
            }
            progress.finish()
            try Output(self.global).emit(output) {
                "Restored \(output.files) files, \(output.directories) directories and \(output.symlinks) links "
                    + "(\(ByteCount.text(output.bytes))) to \(output.to)."
            }
        }
    }

    /// A snapshot's manifest, validated.
    static func manifest(_ connection: ServerConnection, snapshot: String) async throws -> BackupManifest {
        let data = try await connection.call {
            try await Data(
                collecting: try $0.getBackupManifest(path: .init(snapshotId: snapshot)).ok.body.binary,
                upTo: BackupVault.maxManifestBytes
            )
        }
        do {
            return try BackupManifest.decode(data)
        } catch {
            throw CLIError("snapshot \(snapshot) has a malformed manifest: \(error.detail)")
        }
    }

    /// Chunks downloaded at once, each checked against its id, in the order of `ids`.
    static func download(_ connection: ServerConnection, _ ids: [ChunkID], hasher: ChunkHasher) async throws -> [Data] {
        try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask { (index, try await Self.download(connection, id, hasher: hasher)) }
            }
            var chunks = [Data](repeating: Data(), count: ids.count)
            for try await (index, data) in group { chunks[index] = data }
            return chunks
        }
    }

    /// One chunk, checked against its id.
    static func download(_ connection: ServerConnection, _ id: ChunkID, hasher: ChunkHasher) async throws -> Data {
        let data = try await connection.call {
            try await Data(
                collecting: try $0.getBackupChunk(path: .init(chunkId: id.rawValue)).ok.body.binary,
                upTo: BackupVault.maxChunkBytes
            )
        }
        guard hasher.id(of: data) == id else { throw CLIError("chunk \(id) does not match its id: it is corrupt") }
        return data
    }
}
