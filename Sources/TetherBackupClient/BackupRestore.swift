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
            var chunks = ChunkPipeline(
                server: self.server,
                ids: files.flatMap(\.chunks),
                hasher: hasher,
                inFlight: Self.chunksInFlight
            )
            try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                for entry in manifest.entries {
                    switch entry.kind {
                    case .directory:
                        try target.directory(entry)
                        summary.directories += 1
                    case .symlink:
                        try target.symlink(entry)
                        summary.symlinks += 1
                    case .file:
                        let descriptor = try target.openFile(entry)
                        for _ in entry.chunks {
                            let data = try await chunks.next(in: &group)
                            try target.write(data, to: descriptor)
                            summary.bytes += Int64(data.count)
                            self.report(.progressed(bytes: data.count))
                        }
                        try target.closeFile(entry, descriptor: descriptor)
                        summary.files += 1
                        self.report(.fileDone)
                    }
                }
            }
            try target.finish()
        } catch let error as TetherError {
            throw BackupClientError(.localFile, "restore: \(error.detail)")
        }
        self.report(.finished)
        return summary
    }

    /// Chunk downloads a restore keeps going at once, across file boundaries (at most this many
    /// chunks, 1 MiB each at most, wait in memory).
    static let chunksInFlight = 16
}

/// The chunks of a restore, in the order the files need them: downloads run ahead of the
/// writer by up to `inFlight` chunks, each checked against its id, and come back in order.
struct ChunkPipeline {
    let server: any BackupServer
    let ids: [ChunkID]
    let hasher: ChunkHasher
    let inFlight: Int
    /// Chunks asked for so far.
    private var scheduled = 0
    /// The next chunk to hand out.
    private var position = 0
    /// Chunks that arrived before their turn.
    private var arrived: [Int: Data] = [:]

    init(server: any BackupServer, ids: [ChunkID], hasher: ChunkHasher, inFlight: Int) {
        self.server = server
        self.ids = ids
        self.hasher = hasher
        self.inFlight = inFlight
    }

    /// The next chunk in order, downloading ahead in `group`.
    mutating func next(in group: inout ThrowingTaskGroup<(Int, Data), any Error>) async throws -> Data {
        while self.scheduled < self.ids.count && self.scheduled < self.position + self.inFlight {
            let (index, id, server, hasher) = (self.scheduled, self.ids[self.scheduled], self.server, self.hasher)
            group.addTask { (index, try await BackupDownloads.chunk(server, id, hasher: hasher)) }
            self.scheduled += 1
        }
        while self.arrived[self.position] == nil {
            guard let (index, data) = try await group.next() else {
                throw BackupClientError(.corrupt, "the restore ran out of chunks")
            }
            self.arrived[index] = data
        }
        defer { self.position += 1 }
        return self.arrived.removeValue(forKey: self.position)!
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
