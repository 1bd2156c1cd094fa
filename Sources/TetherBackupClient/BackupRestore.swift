import Foundation
import TetherCore
import TetherSync

/// A restore: a snapshot's files, directories, symbolic links, modes and times written under a
/// directory. Every chunk is checked against its id; nothing is written outside the directory.
///
/// ```swift
/// let summary = try await BackupRestore(server: server).run(snapshot: id, into: "./restored")
/// ```
public struct BackupRestore: Sendable {
    /// The account's server.
    public let server: any BackupServer
    /// Receives the restore's progress (``BackupEvent/progressed(bytes:)`` counts bytes written).
    public var report: @Sendable (BackupEvent) -> Void

    /// A restore from `server`, reporting to `report`.
    public init(server: any BackupServer, report: @escaping @Sendable (BackupEvent) -> Void = { _ in }) {
        self.server = server
        self.report = report
    }

    /// Restores `snapshot` into `directory` (created when missing). Files and links already
    /// there stop the restore unless `overwrite`; set-id and sticky bits are never restored.
    ///
    /// - Throws: ``BackupClientError``: `request` when a request failed, `corrupt` when a chunk
    ///   or the manifest fails its check, `localFile` when the target cannot be written.
    public func run(
        snapshot: String,
        into directory: String,
        overwrite: Bool = false
    ) async throws -> BackupRestoreSummary {
        let hasher = try await ChunkHasher.fetch(from: self.server)
        let manifest = try await BackupDownloads.manifest(self.server, snapshot: snapshot)
        let files = manifest.entries.filter { $0.kind == .file }
        self.report(.started(files: files.count, bytes: manifest.byteCount))
        var summary = BackupRestoreSummary()
        do {
            let target = try RestoreTarget(root: directory, overwrite: overwrite)
            for entry in manifest.entries {
                switch entry.kind {
                case .directory:
                    try target.directory(entry)
                    summary.directories += 1
                case .symlink:
                    try target.symlink(entry)
                    summary.symlinks += 1
                case .file:
                    try await self.restore(entry, into: target, hasher: hasher, summary: &summary)
                    summary.files += 1
                    self.report(.fileDone)
                }
            }
            try target.finish()
        } catch let error as TetherError {
            throw BackupClientError(.localFile, "restore: \(error.detail)")
        }
        self.report(.finished)
        return summary
    }

    /// Writes one file; four chunks download at once, written in order.
    private func restore(
        _ entry: BackupManifest.Entry,
        into target: RestoreTarget,
        hasher: ChunkHasher,
        summary: inout BackupRestoreSummary
    ) async throws {
        let descriptor = try target.openFile(entry)
        var start = 0
        while start < entry.chunks.count {
            let window = Array(entry.chunks[start..<min(start + 4, entry.chunks.count)])
            for data in try await BackupDownloads.chunks(self.server, window, hasher: hasher) {
                try target.write(data, to: descriptor)
                summary.bytes += Int64(data.count)
                self.report(.progressed(bytes: data.count))
            }
            start += window.count
        }
        try target.closeFile(entry, descriptor: descriptor)
    }
}

/// What a restore wrote.
public struct BackupRestoreSummary: Sendable, Hashable {
    /// Regular files written.
    public var files = 0
    /// Directories made.
    public var directories = 0
    /// Symbolic links made.
    public var symlinks = 0
    /// Bytes written.
    public var bytes: Int64 = 0
}
