import Foundation
import TetherSync

/// The hand-over between a push's reader and its upload workers: batches of chunks wait here,
/// at most ``capacityBytes`` of them, so reading, chunking and hashing run ahead of the uploads
/// without holding the whole tree in memory. The first failure of a worker ends the queue: the
/// reader's next ``put(_:)`` throws it and the other workers stop taking batches.
actor BackupUploadQueue {
    /// Chunks that go to the server together: one `missing` question, then their uploads.
    typealias Batch = [BackupUploadChunk]

    private let capacityBytes: Int
    private var batches: [Batch] = []
    private var queuedBytes = 0
    private var closed = false
    private var failure: (any Error)?
    private var takers: [CheckedContinuation<Batch?, Never>] = []
    private var putters: [CheckedContinuation<Void, Never>] = []
    /// Chunk bytes the workers have sent so far, for the progress line.
    private(set) var sentBytes: Int64 = 0
    /// Packs the workers have begun to upload.
    private var packs = 0

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// Queues `batch`, waiting while the queue is full; returns the bytes sent so far.
    ///
    /// - Throws: the first worker's failure.
    func put(_ batch: Batch) async throws -> Int64 {
        while self.failure == nil && self.queuedBytes > 0 && self.queuedBytes >= self.capacityBytes {
            await withCheckedContinuation { self.putters.append($0) }
        }
        if let failure = self.failure { throw failure }
        if let taker = self.takers.first {
            self.takers.removeFirst()
            taker.resume(returning: batch)
        } else {
            self.batches.append(batch)
            self.queuedBytes += batch.reduce(0) { $0 + $1.data.count }
        }
        return self.sentBytes
    }

    /// The next batch, or `nil` once the queue is closed and empty, or failed.
    func take() async -> Batch? {
        if self.failure == nil, !self.batches.isEmpty {
            let batch = self.batches.removeFirst()
            self.queuedBytes -= batch.reduce(0) { $0 + $1.data.count }
            for putter in self.putters { putter.resume() }
            self.putters = []
            return batch
        }
        if self.closed || self.failure != nil { return nil }
        return await withCheckedContinuation { self.takers.append($0) }
    }

    /// No more batches will come; workers finish what is queued.
    func close() {
        self.closed = true
        self.wakeAll()
    }

    /// Ends the queue with `error` (the first one counts).
    func fail(_ error: any Error) {
        if self.failure == nil { self.failure = error }
        self.batches = []
        self.queuedBytes = 0
        self.wakeAll()
    }

    /// `count` more bytes were sent.
    func sent(_ count: Int) {
        self.sentBytes += Int64(count)
    }

    /// The number of the pack a worker begins to upload: 1, 2, … in the order they begin.
    func nextPack() -> Int {
        self.packs += 1
        return self.packs
    }

    private func wakeAll() {
        for taker in self.takers { taker.resume(returning: nil) }
        self.takers = []
        for putter in self.putters { putter.resume() }
        self.putters = []
    }
}

/// One chunk on its way to the server.
struct BackupUploadChunk: Sendable {
    var id: ChunkID
    var data: Data
}
