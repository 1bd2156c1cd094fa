import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherSync

/// Sends a push's chunks: collects them into batches (16 MiB or 1,000 chunks), asks the server
/// which of a batch it lacks, and uploads only those, four at a time. A chunk the server
/// acknowledged is never sent again, in this push or the next, so a push that was killed and
/// is run again resumes where it stopped.
final class BackupUploader {
    private let connection: ServerConnection
    private let progress: BackupProgress
    private var pending: [(id: ChunkID, data: Data)] = []
    private var pendingIDs = Set<ChunkID>()
    private var pendingBytes = 0
    /// Ids the server holds (it said so, or acknowledged the upload).
    private var stored = Set<ChunkID>()

    private(set) var chunks = 0
    private(set) var newChunks = 0
    private(set) var newBytes: Int64 = 0
    private(set) var transferredBytes: Int64 = 0
    private(set) var deduplicatedBytes: Int64 = 0

    /// The most bytes waiting for one `missing` question.
    static let batchBytes = 16 << 20
    /// The most chunks waiting for one `missing` question (the server takes up to 10,000).
    static let batchChunks = 1_000
    /// Uploads in flight at once.
    static let concurrentUploads = 4
    /// Tests slow uploads down with `TETHER_BACKUP_UPLOAD_PAUSE_MS` to kill a push midway.
    private let pause: Duration? = ProcessInfo.processInfo.environment["TETHER_BACKUP_UPLOAD_PAUSE_MS"]
        .flatMap(Int.init).map { .milliseconds($0) }

    init(connection: ServerConnection, progress: BackupProgress) {
        self.connection = connection
        self.progress = progress
    }

    /// Takes one chunk of the push; may send a batch.
    func add(_ id: ChunkID, _ data: Data) async throws {
        self.chunks += 1
        guard !self.stored.contains(id), !self.pendingIDs.contains(id) else {
            self.deduplicatedBytes += Int64(data.count)
            return
        }
        self.pending.append((id, data))
        self.pendingIDs.insert(id)
        self.pendingBytes += data.count
        if self.pendingBytes >= Self.batchBytes || self.pending.count >= Self.batchChunks {
            try await self.flush()
        }
    }

    /// Asks about and uploads what is waiting.
    func flush() async throws {
        guard !self.pending.isEmpty else { return }
        let ids = self.pending.map(\.id.rawValue)
        let missing = Set(
            try await self.connection.call {
                try await $0.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json.missing
            }
        )
        var sends: [(id: ChunkID, data: Data)] = []
        for chunk in self.pending {
            if missing.contains(chunk.id.rawValue) {
                sends.append(chunk)
            } else {
                self.deduplicatedBytes += Int64(chunk.data.count)
                self.stored.insert(chunk.id)
            }
        }
        self.pending = []
        self.pendingIDs = []
        self.pendingBytes = 0
        try await self.upload(sends)
    }

    private func upload(_ sends: [(id: ChunkID, data: Data)]) async throws {
        let connection = self.connection
        let pause = self.pause
        try await withThrowingTaskGroup(of: (ChunkID, Int).self) { group in
            var running = 0
            for send in sends {
                if running == Self.concurrentUploads, let (id, size) = try await group.next() {
                    self.acknowledged(id, size: size)
                    running -= 1
                }
                group.addTask {
                    _ = try await connection.call {
                        try await $0.putBackupChunk(
                            path: .init(chunkId: send.id.rawValue),
                            body: .binary(HTTPBody(send.data))
                        )
                        .ok
                    }
                    if let pause { try await Task.sleep(for: pause) }
                    return (send.id, send.data.count)
                }
                running += 1
            }
            while let (id, size) = try await group.next() {
                self.acknowledged(id, size: size)
            }
        }
    }

    private func acknowledged(_ id: ChunkID, size: Int) {
        self.stored.insert(id)
        self.newChunks += 1
        self.newBytes += Int64(size)
        self.transferredBytes += Int64(size)
        self.progress.add(sent: size)
    }
}
