import Foundation
import TetherAPI
import TetherSync

/// Sends a push's chunks as a continuous pipeline: the reader hands chunks in (``add(_:_:)``),
/// they are grouped into batches (``BackupPush/Options/packChunks`` chunks or ``batchBytes``) and
/// queued (at most ``queuedBytes``), and ``BackupPush/Options/concurrentUploads`` workers each take
/// a batch, ask the server which of it it lacks and upload those in one pack request
/// (`POST /v1/backup/packs`), so that many packs are in flight while the reader keeps chunking and hashing.
/// A transient failure of a request is retried (``BackupRetry``); a chunk the server
/// acknowledged is never sent again, in this push or the next, so a push that was stopped and is
/// run again resumes where it stopped.
final class BackupUploader {
    private let report: @Sendable (BackupEvent) -> Void
    private let queue = BackupUploadQueue(capacityBytes: BackupUploader.queuedBytes)
    private var workers: [Task<BackupUploadWorker.Outcome, Never>] = []
    private var batch: BackupUploadQueue.Batch = []
    private var batchBytes = 0
    /// Ids handed in during this push (or known to be stored): each is sent at most once.
    private var seen = Set<ChunkID>()

    private(set) var chunks = 0
    private(set) var newChunks = 0
    private(set) var newBytes: Int64 = 0
    private(set) var transferredBytes: Int64 = 0
    private(set) var deduplicatedBytes: Int64 = 0

    /// The most chunks in one batch, and so in one pack request.
    let batchChunks: Int
    /// The most bytes in one batch: a pack request carries at most this much.
    static let batchBytes = 8 << 20
    /// The most bytes waiting in the queue, besides the batches the workers hold.
    static let queuedBytes = 64 << 20

    init(server: any BackupServer, options: BackupPush.Options) {
        self.report = options.report
        self.batchChunks = options.boundedPackChunks
        let worker = BackupUploadWorker(server: server, queue: self.queue, options: options)
        self.workers = (0..<max(options.concurrentUploads, 1)).map { _ in Task { await worker.run() } }
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
    /// - Throws: the failure that stopped the uploads; `CancellationError` when cancelled.
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
    /// - Throws: the failure that stopped the uploads; `CancellationError` when cancelled.
    func flush() async throws {
        try await self.send()
        await self.queue.close()
        let workers = self.workers
        let outcomes = await withTaskCancellationHandler {
            var outcomes: [BackupUploadWorker.Outcome] = []
            for worker in workers { outcomes.append(await worker.value) }
            return outcomes
        } onCancel: {
            for worker in workers { worker.cancel() }
        }
        self.workers = []
        var failure: (any Error)?
        for outcome in outcomes {
            failure = failure ?? outcome.failure
            self.deduplicatedBytes += outcome.presentBytes
            self.newChunks += outcome.sentChunks
            self.newBytes += outcome.sentBytes
            self.transferredBytes += outcome.sentBytes
        }
        if let failure { throw failure }
        self.report(.sent(total: self.transferredBytes))
    }

    private func send() async throws {
        guard !self.batch.isEmpty else { return }
        let batch = self.batch
        self.batch = []
        self.batchBytes = 0
        let queue = self.queue
        let sent = try await withTaskCancellationHandler {
            try await queue.put(batch)
        } onCancel: {
            Task { await queue.fail(CancellationError()) }
        }
        self.report(.sent(total: sent))
    }

    /// Of `ids`, those the server lacks, asked 10,000 at a time.
    static func missing(
        _ ids: Set<ChunkID>,
        server: any BackupServer,
        options: BackupPush.Options
    ) async throws -> Set<ChunkID> {
        var lacking = Set<ChunkID>()
        let all = ids.map(\.rawValue)
        for start in stride(from: 0, to: all.count, by: 10_000) {
            let slice = Array(all[start..<min(start + 10_000, all.count)])
            let missing = try await options.retried { _ in
                try await server.perform {
                    try await $0.findMissingBackupChunks(body: .json(.init(ids: slice))).ok.body.json.missing
                }
            }
            for id in missing {
                do {
                    lacking.insert(try ChunkID(validating: id))
                } catch {
                    throw BackupClientError(.corrupt, "\(error)")
                }
            }
        }
        return lacking
    }
}
