import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherSync

/// Sends a push's chunks: collects them into batches (16 MiB or 1,000 chunks), asks the server
/// which of a batch it lacks, and uploads only those, eight at a time. A chunk the server
/// acknowledged is never sent again, in this push or the next, so a push that was killed and
/// is run again resumes where it stopped.
final class BackupUploader {
    private let connection: ServerConnection
    private let progress: BackupProgress
    private var pending: [(id: ChunkID, data: Data)] = []
    private var pendingIDs = Set<ChunkID>()
    private var pendingBytes = 0
    /// The batch being sent, and its ids.
    private var inFlight: Task<Outcome, any Error>?
    private var inFlightIDs = Set<ChunkID>()
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
    static let concurrentUploads = 8
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
        guard !self.stored.contains(id), !self.pendingIDs.contains(id), !self.inFlightIDs.contains(id) else {
            self.deduplicatedBytes += Int64(data.count)
            return
        }
        self.pending.append((id, data))
        self.pendingIDs.insert(id)
        self.pendingBytes += data.count
        if self.pendingBytes >= Self.batchBytes || self.pending.count >= Self.batchChunks {
            try await self.send()
        }
    }

    /// Sends what is waiting and waits until every chunk of the push is acknowledged.
    func flush() async throws {
        try await self.send()
        try await self.settle()
    }

    /// Starts sending the waiting batch, after the one in flight is done: reading and hashing
    /// the next batch overlaps the uploads of this one, with at most two batches in memory.
    private func send() async throws {
        try await self.settle()
        guard !self.pending.isEmpty else { return }
        let batch = self.pending
        self.inFlightIDs = self.pendingIDs
        self.pending = []
        self.pendingIDs = []
        self.pendingBytes = 0
        let connection = self.connection
        let pause = self.pause
        self.inFlight = Task.detached { [batch, connection, pause] in
            try await BatchUpload.run(batch, connection: connection, pause: pause)
        }
    }

    /// Waits for the batch in flight and counts what it did.
    private func settle() async throws {
        guard let task = self.inFlight else { return }
        self.inFlight = nil
        self.inFlightIDs = []
        let outcome = try await task.value
        for (id, size) in outcome.present {
            self.stored.insert(id)
            self.deduplicatedBytes += Int64(size)
        }
        for (id, size) in outcome.sent {
            self.stored.insert(id)
            self.newChunks += 1
            self.newBytes += Int64(size)
            self.transferredBytes += Int64(size)
            self.progress.add(sent: size)
        }
    }

    /// What one batch found: chunks the server had, and chunks it acknowledged.
    struct Outcome: Sendable {
        var present: [(ChunkID, Int)] = []
        var sent: [(ChunkID, Int)] = []
    }

}

/// One batch's upload, apart from the uploader so the task that runs it shares no state.
private enum BatchUpload {
    /// Asks which of `batch` the server lacks and uploads those, eight at a time.
    static func run(
        _ batch: [(id: ChunkID, data: Data)],
        connection: ServerConnection,
        pause: Duration?
    ) async throws -> BackupUploader.Outcome {
        let ids = batch.map(\.id.rawValue)
        let missing = Set(
            try await connection.call {
                try await $0.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json.missing
            }
        )
        var outcome = BackupUploader.Outcome()
        try await withThrowingTaskGroup(of: (ChunkID, Int).self) { group in
            var running = 0
            for chunk in batch {
                guard missing.contains(chunk.id.rawValue) else {
                    outcome.present.append((chunk.id, chunk.data.count))
                    continue
                }
                if running == BackupUploader.concurrentUploads, let done = try await group.next() {
                    outcome.sent.append(done)
                    running -= 1
                }
                group.addTask {
                    _ = try await connection.call {
                        try await $0.putBackupChunk(
                            path: .init(chunkId: chunk.id.rawValue),
                            body: .binary(HTTPBody(chunk.data))
                        ).ok
                    }
                    if let pause { try await Task.sleep(for: pause) }
                    return (chunk.id, chunk.data.count)
                }
                running += 1
            }
            while let done = try await group.next() {
                outcome.sent.append(done)
            }
        }
        return outcome
    }
}
