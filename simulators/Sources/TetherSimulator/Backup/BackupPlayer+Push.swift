import Foundation
import Synchronization
import TetherAPI
import TetherBackupClient

extension BackupPlayer {
    /// What the next push must send: bytes of files the server lacks, less what an interrupted
    /// push stored; and what it must read: files the file cache cannot vouch for.
    var lacking: (send: Int64, read: Int64) {
        var send: Int64 = 0
        var read: Int64 = 0
        for (path, file) in self.tree.files {
            if !self.stored.contains(Self.key(path, file)) { send += Int64(file.size) }
            if self.vouched[path] != file { read += Int64(file.size) }
        }
        return (send - self.partialBytes, read)
    }

    /// A file's identity: its bytes follow from its path and version.
    static func key(_ path: String, _ file: PhoneTree.File) -> String {
        "\(path)#\(file.version)"
    }

    /// The options of this owner's pushes: the file cache under the scratch directory, one per
    /// server as the CLI keeps it; retries and warnings reported as progress lines.
    func pushOptions() -> BackupPush.Options {
        let progress = self.progress
        return BackupPush.Options(
            cacheFile: BackupFileCache.url(in: self.scratch, account: self.accountID, server: self.serverURL),
            report: { event in
                switch event {
                case .retrying(let note): progress("backup push: \(note)")
                case .warning(let text): progress("backup push: warning: \(text)")
                default: break
                }
            }
        )
    }

    /// A push that must complete, judged against the model.
    mutating func push(into result: inout BackupStepResult) async throws {
        let expected = self.lacking
        let summary = try await BackupPush(server: self.server(), options: self.pushOptions())
            .run(paths: [self.tree.root.path])
        let push = BackupStepResult.Push(
            snapshotID: summary.snapshotID,
            files: summary.files,
            bytes: summary.bytes,
            chunks: summary.chunks,
            sentChunks: summary.newChunks,
            sentBytes: summary.newBytes,
            reusedBytes: summary.deduplicatedBytes,
            readBytes: summary.readBytes,
            expectedSentBytes: expected.send,
            expectedReadBytes: expected.read
        )
        result.push = push
        let resumed = self.partialChunks > 0 ? ", resuming the interrupted push" : ""
        result.line =
            "push \(result.number) to \(self.region)\(resumed): \(push.files) files (\(ByteText.format(push.bytes))), "
            + "read \(ByteText.format(push.readBytes)), sent \(push.sentChunks) of \(push.chunks) chunks "
            + "(\(ByteText.format(push.sentBytes))), reused \(ByteText.format(push.reusedBytes)); "
            + "expected to send \(ByteText.format(expected.send)) and read \(ByteText.format(expected.read))"
        self.check(push, result)
        self.completed(summary.snapshotID)
    }

    /// Records a complete push: its snapshot holds the tree, the server every file of it, and the
    /// file cache vouches for them all.
    private mutating func completed(_ snapshotID: String) {
        self.snapshots.append((snapshotID, self.tree.files))
        self.stored.formUnion(self.tree.files.map { Self.key($0.key, $0.value) })
        self.vouched = self.tree.files
        self.partialChunks = 0
        self.partialBytes = 0
    }

    /// The problems of a complete push against what it had to do.
    private mutating func check(_ push: BackupStepResult.Push, _ result: BackupStepResult) {
        if push.files != self.tree.files.count || push.bytes != self.tree.bytes {
            self.problem(
                result,
                "the snapshot holds \(push.files) files (\(push.bytes) bytes), the tree \(self.tree.files.count) "
                    + "(\(self.tree.bytes) bytes)"
            )
        }
        if push.sentBytes != push.expectedSentBytes {
            self.problem(
                result,
                "sent \(push.sentBytes) bytes, expected exactly the \(push.expectedSentBytes) the server lacked"
            )
        }
        if push.reusedBytes != self.tree.bytes - push.expectedSentBytes {
            self.problem(
                result,
                "reused \(push.reusedBytes) bytes, expected the \(self.tree.bytes - push.expectedSentBytes) the server held"
            )
        }
        if push.readBytes != push.expectedReadBytes {
            self.problem(
                result,
                "read \(push.readBytes) bytes, expected \(push.expectedReadBytes) (the files the cache cannot vouch for)"
            )
        }
        // Nothing stored before (but what an interrupted push left): every other chunk travels.
        if self.stored.isEmpty, push.sentChunks != push.chunks - self.partialChunks {
            self.problem(
                result,
                "sent \(push.sentChunks) of \(push.chunks) chunks, expected \(push.chunks - self.partialChunks) "
                    + "(\(self.partialChunks) stored by the interrupted push)"
            )
        }
        if (push.sentBytes == 0) != (push.sentChunks == 0) {
            self.problem(result, "sent \(push.sentChunks) chunks of \(push.sentBytes) bytes")
        }
    }

    /// A push cut by a restart of the home server once `fraction` of what it has to send is
    /// stored: packs go up one at a time, one chunk each, without retries, so the server stops
    /// between two acknowledged packs and the next upload finds it gone. The server is started
    /// again; the next push must send only the rest.
    mutating func interruptedPush(restartAfter fraction: Double, into result: inout BackupStepResult) async throws {
        guard let restarter = self.options.serverRestarter else {
            throw SimulationError("restart_server_after needs a way to restart the server (--restart-command CMD)")
        }
        let lacking = self.lacking.send
        let watch = PackWatch(threshold: Int64((Double(lacking) * fraction).rounded(.up)))
        let url = self.serverURL
        var options = self.pushOptions()
        options.packChunks = 1
        options.concurrentUploads = 1
        options.retry = BackupRetry(attempts: 1)
        let progress = self.progress
        let number = result.number
        options.beforeEachPack = { attempt in
            guard let stored = watch.reached(before: attempt) else { return }
            progress(
                "backup push \(number): \(stored.chunks) chunks (\(ByteText.format(stored.bytes))) stored; "
                    + "stopping the server at \(url.absoluteString)"
            )
            try await restarter.stop(url)
        }
        var failure: String?
        do {
            let summary = try await BackupPush(server: self.server(), options: options)
                .run(paths: [self.tree.root.path])
            self.problem(
                result,
                watch.stored == nil
                    ? "the push finished (\(summary.newChunks) chunks sent) before \(Int(fraction * 100))% was stored"
                    : "the push finished although the server was stopped: did the restarter stop it?"
            )
            // It made a snapshot all the same: later steps count it.
            self.completed(summary.snapshotID)
        } catch let error as BackupClientError where error.isTransient && watch.stored != nil {
            failure = error.description
        } catch {
            failure = "\(error)"
            self.problem(result, "the push failed otherwise than by the server's going away: \(error)")
        }
        let stored = watch.stored ?? (chunks: 0, bytes: 0)
        if watch.stored != nil {
            self.progress("backup push \(result.number) failed: \(failure ?? "it did not"); starting the server again")
            try await restarter.start(url)
            try await self.waitUntilServing(url)
        }
        if failure != nil {
            self.partialChunks += stored.chunks
            self.partialBytes += stored.bytes
        }
        result.interruption = .init(
            storedChunks: stored.chunks,
            storedBytes: stored.bytes,
            ofBytes: lacking,
            failure: failure ?? "none: it finished"
        )
        result.line =
            "push \(result.number) to \(self.region): "
            + (watch.stored == nil
                ? "the server was never stopped"
                : "server stopped with \(stored.chunks) chunks "
                    + "(\(ByteText.format(stored.bytes)) of \(ByteText.format(lacking))) stored")
            + (failure.map { "; the push failed: \($0)" } ?? "; the push finished all the same")
            + (watch.stored == nil ? "" : "; server started again")
    }

    /// Waits until `GET /health` of `url` answers, at most the run's timeout.
    private func waitUntilServing(_ url: URL) async throws {
        let client = self.client(url)
        let deadline = ContinuousClock.now + self.options.timeout
        while true {
            if (try? await client.getHealth().ok) != nil { return }
            guard ContinuousClock.now < deadline else {
                throw SimulationError(
                    "\(url.absoluteString) did not answer GET /health within \(self.options.timeout) of its restart"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Counts what a push's uploads stored, one pack at a time, and says when the threshold is met.
private final class PackWatch: Sendable {
    private struct State {
        var chunks = 0
        var bytes: Int64 = 0
        /// The pack on its way: acknowledged once the next one begins (one upload at a time).
        var pending: (chunks: Int, bytes: Int)?
        var stopped = false
    }

    private let threshold: Int64
    private let state = Mutex(State())

    init(threshold: Int64) {
        self.threshold = threshold
    }

    /// What the packs before `attempt` stored (all acknowledged, as one upload runs at a time)
    /// when it is the threshold's bytes or more and the server should stop now; once.
    func reached(before attempt: BackupPackAttempt) -> (chunks: Int, bytes: Int64)? {
        self.state.withLock { state in
            guard !state.stopped else { return nil }
            if let pending = state.pending {
                state.chunks += pending.chunks
                state.bytes += Int64(pending.bytes)
            }
            state.pending = (attempt.chunks, attempt.bytes)
            state.stopped = state.bytes >= self.threshold
            return state.stopped ? (state.chunks, state.bytes) : nil
        }
    }

    /// What was stored when the server stopped; `nil` when it never did.
    var stored: (chunks: Int, bytes: Int64)? {
        self.state.withLock { $0.stopped ? ($0.chunks, $0.bytes) : nil }
    }
}
