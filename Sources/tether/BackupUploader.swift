import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherSync

/// Sends a push's chunks as a continuous pipeline: the reader hands chunks in (``add(_:_:)``),
/// they are grouped into batches (``batchChunks`` chunks or ``batchBytes``) and queued (at most
/// ``queuedBytes``), and ``concurrentUploads`` workers each take a batch, ask the server which of
/// it it lacks and upload those in one pack request (`POST /v1/backup/packs`), so that many packs
/// are in flight while the reader keeps chunking and hashing.
/// A transient failure of a request is retried (``BackupRetry``); a chunk the server
/// acknowledged is never sent again, in this push or the next, so a push that was killed and is
/// run again resumes where it stopped.
final class BackupUploader {
    private let progress: BackupProgress
    private let queue = BackupUploadQueue(capacityBytes: BackupUploader.queuedBytes)
    private var workers: [Task<Outcome, Never>] = []
    private var batch: BackupUploadQueue.Batch = []
    private var batchBytes = 0
    /// Ids handed in during this push (or known to be stored): each is sent at most once.
    private var seen = Set<ChunkID>()

    private(set) var chunks = 0
    private(set) var newChunks = 0
    private(set) var newBytes: Int64 = 0
    private(set) var transferredBytes: Int64 = 0
    private(set) var deduplicatedBytes: Int64 = 0

    /// The most chunks in one batch, and so in one pack request (tests lower it with
    /// `TETHER_BACKUP_PACK_CHUNKS` to see a push stopped between packs).
    let batchChunks: Int
    /// The most bytes in one batch: a pack request carries at most this much.
    static let batchBytes = 8 << 20
    /// The most bytes waiting in the queue, besides the batches the workers hold.
    static let queuedBytes = 64 << 20
    /// Pack uploads in flight at once.
    static let concurrentUploads = 6

    init(connection: ServerConnection, progress: BackupProgress, retry: BackupRetry = .standard) {
        self.progress = progress
        // Tests slow uploads down with `TETHER_BACKUP_UPLOAD_PAUSE_MS` to stop a push midway.
        let environment = ProcessInfo.processInfo.environment
        let pause: Duration? = environment["TETHER_BACKUP_UPLOAD_PAUSE_MS"].flatMap(Int.init).map { .milliseconds($0) }
        self.batchChunks =
            environment["TETHER_BACKUP_PACK_CHUNKS"].flatMap(Int.init)
            .map { min(max($0, 1), BackupPackBody.maxChunks) } ?? 256
        let worker = BackupUploadWorker(connection: connection, queue: self.queue, retry: retry, pause: pause)
        self.workers = (0..<Self.concurrentUploads).map { _ in Task { await worker.run() } }
    }

    deinit {
        for worker in self.workers { worker.cancel() }
    }

    /// Counts chunks the server is known to hold already (a reused file's), which then are not sent.
    func stored(_ ids: [ChunkID], bytes: Int64) {
        self.chunks += ids.count
        self.deduplicatedBytes += bytes
        self.seen.formUnion(ids)
    }

    /// Takes one chunk of the push; waits only while the queue is full.
    ///
    /// - Throws: the failure that stopped the uploads.
    func add(_ id: ChunkID, _ data: Data) async throws {
        self.chunks += 1
        guard self.seen.insert(id).inserted else {
            self.deduplicatedBytes += Int64(data.count)
            return
        }
        self.batch.append(BackupUploadChunk(id: id, data: data))
        self.batchBytes += data.count
        if self.batch.count >= self.batchChunks || self.batchBytes + BackupVault.maxChunkBytes > Self.batchBytes {
            try await self.send()
        }
    }

    /// Sends what is waiting and waits until every chunk of the push is acknowledged.
    ///
    /// - Throws: the failure that stopped the uploads.
    func flush() async throws {
        try await self.send()
        await self.queue.close()
        var failure: (any Error)?
        for worker in self.workers {
            let outcome = await worker.value
            failure = failure ?? outcome.failure
            self.deduplicatedBytes += outcome.presentBytes
            self.newChunks += outcome.sentChunks
            self.newBytes += outcome.sentBytes
            self.transferredBytes += outcome.sentBytes
        }
        self.workers = []
        if let failure { throw failure }
        self.progress.set(sent: self.transferredBytes)
    }

    private func send() async throws {
        guard !self.batch.isEmpty else { return }
        let batch = self.batch
        self.batch = []
        self.batchBytes = 0
        self.progress.set(sent: try await self.queue.put(batch))
    }

    /// Of `ids`, those the server lacks, asked 10,000 at a time.
    static func missing(
        _ ids: Set<ChunkID>,
        connection: ServerConnection,
        retry: BackupRetry = .standard
    ) async throws -> Set<ChunkID> {
        var lacking = Set<ChunkID>()
        let all = ids.map(\.rawValue)
        for start in stride(from: 0, to: all.count, by: 10_000) {
            let slice = Array(all[start..<min(start + 10_000, all.count)])
            let missing = try await retry.run {
                try await connection.call {
                    try await $0.findMissingBackupChunks(body: .json(.init(ids: slice))).ok.body.json.missing
                }
            }
            for id in missing { lacking.insert(try ChunkID(validating: id)) }
        }
        return lacking
    }

    /// What one worker did.
    struct Outcome: Sendable {
        var presentBytes: Int64 = 0
        var sentChunks = 0
        var sentBytes: Int64 = 0
        var failure: CLIError?
    }
}

/// One of the uploader's workers: takes batches until the queue is done, asks which chunks the
/// server lacks, uploads them as one pack; its first failure (after retries) fails the queue.
private struct BackupUploadWorker: Sendable {
    let connection: ServerConnection
    let queue: BackupUploadQueue
    let retry: BackupRetry
    let pause: Duration?

    func run() async -> BackupUploader.Outcome {
        var outcome = BackupUploader.Outcome()
        do {
            while let batch = await self.queue.take() {
                try await self.upload(batch, into: &outcome)
            }
        } catch {
            let failure = error as? CLIError ?? CLIError("backup upload stopped: \(error)")
            outcome.failure = failure
            await self.queue.fail(failure)
        }
        return outcome
    }

    private func upload(_ batch: BackupUploadQueue.Batch, into outcome: inout BackupUploader.Outcome) async throws {
        let ids = batch.map(\.id.rawValue)
        let missing = Set(
            try await self.retry.run {
                try await self.connection.call {
                    try await $0.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json.missing
                }
            }
        )
        var pack: [(id: ChunkID, data: Data)] = []
        for chunk in batch {
            if missing.contains(chunk.id.rawValue) {
                pack.append((chunk.id, chunk.data))
            } else {
                outcome.presentBytes += Int64(chunk.data.count)
            }
        }
        guard !pack.isEmpty else { return }
        let body = BackupPackBody.encode(pack)
        _ = try await self.retry.run {
            try await self.connection.call { try await $0.putBackupPack(body: .binary(HTTPBody(body))).ok }
        }
        if let pause = self.pause { try await Task.sleep(for: pause) }
        let bytes = pack.reduce(0) { $0 + $1.data.count }
        outcome.sentChunks += pack.count
        outcome.sentBytes += Int64(bytes)
        await self.queue.sent(bytes)
    }
}
