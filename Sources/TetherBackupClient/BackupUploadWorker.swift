import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherSync

/// One of a push's upload workers: takes batches until the queue is done, asks which chunks the
/// server lacks, uploads them as one pack; its first failure (after retries) fails the queue.
struct BackupUploadWorker: Sendable {
    /// What one worker did.
    struct Outcome: Sendable {
        var presentBytes: Int64 = 0
        var sentChunks = 0
        var sentBytes: Int64 = 0
        var failure: (any Error)?
    }

    let server: any BackupServer
    let queue: BackupUploadQueue
    let options: BackupPush.Options

    func run() async -> Outcome {
        var outcome = Outcome()
        do {
            while let batch = await self.queue.take() {
                try await self.upload(batch, into: &outcome)
            }
        } catch {
            outcome.failure = error
            await self.queue.fail(error)
        }
        return outcome
    }

    private func upload(_ batch: BackupUploadQueue.Batch, into outcome: inout Outcome) async throws {
        let ids = batch.map(\.id.rawValue)
        let missing = Set(
            try await self.options.retried { _ in
                try await self.server.perform {
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
        let bytes = pack.reduce(0) { $0 + $1.data.count }
        let number = await self.queue.nextPack()
        _ = try await self.options.retried { attempt in
            try await self.options.beforeEachPack?(
                BackupPackAttempt(pack: number, attempt: attempt, chunks: pack.count, bytes: bytes)
            )
            return try await self.server.perform {
                try await $0.putBackupPack(body: .binary(HTTPBody(body))).ok
            }
        }
        outcome.sentChunks += pack.count
        outcome.sentBytes += Int64(bytes)
        await self.queue.sent(bytes)
    }
}
