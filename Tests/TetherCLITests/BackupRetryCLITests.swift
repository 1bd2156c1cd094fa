import Foundation
import Synchronization
import Testing
import TetherBackupClient
import TetherCore
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// A push outlives a restart of its server: uploads that fail while the server is down (the
/// connection refused) are retried with backoff, and the snapshot is whole; a refused upload is
/// not retried. The pushes run in-process, their uploads held at a ``TestGate`` so the server
/// goes down at a point the test chooses, not after a sleep.
@Suite("tether backup retry", .serialized)
struct BackupRetryCLITests {
    @Test(.timeLimit(.minutes(3)))
    func aPushSurvivesTheServerBeingKilledAndRestartedMidway() async throws {
        let scratch = TemporaryDirectory.make(prefix: "tether-retry")
        defer { TemporaryDirectory.remove(scratch) }
        let data = scratch.appendingPathComponent("server")
        // A port outside the ephemeral range, so nothing else takes it while the server is down.
        let port = try FreePort.pick(1)[0]
        var server = try await TetherdProcess.start(dataDirectory: data, port: port)
        defer { server.command.send(signal: SIGKILL) }
        let account = try await BackupTestAccount.register("retry@example.org", at: server.baseURL)
        let file = scratch.appendingPathComponent("large.bin")
        let size = 16 << 20
        try BackupCLITests.random(size, seed: 21).write(to: file)

        // Packs of four chunks (about 14 in all), three uploads at once: the first two packs go
        // up, every later upload attempt waits at the gate.
        let uploads = 3
        let gate = TestGate<BackupPackAttempt> { attempt, _ in attempt.pack > 2 }
        let events = BackupEventLog()
        let options = BackupPush.Options(packChunks: 4, concurrentUploads: uploads, report: events.append) {
            guard await gate.pass($0) else { throw CancellationError() }
        }
        let push = Task { try await BackupPush(server: account.server, options: options).run(paths: [file.path]) }
        defer { push.cancel() }

        // Every worker waits at the gate, so the packs before are answered and no request is in
        // flight. The server dies; the held uploads then go out and find it down, and their
        // second attempts wait at the gate in turn.
        try await gate.wait { $0.held.count == uploads }
        #expect(await gate.tally.passed.map(\.pack).sorted() == [1, 2])
        server.command.send(signal: SIGKILL)
        _ = try await server.command.wait()
        await gate.release()
        try await gate.wait { tally in tally.held.count == uploads && tally.held.allSatisfy { $0.attempt == 2 } }
        #expect(events.retries.count == uploads)

        // Back on the same port and data; everything goes on.
        server = try await TetherdProcess.start(dataDirectory: data, port: port)
        await gate.hold { _, _ in false }
        await gate.release()
        let summary = try await push.value
        #expect(summary.bytes == Int64(size))
        #expect(summary.newBytes == Int64(size))
        #expect(events.retries.count >= uploads)
        #expect(events.retries.allSatisfy { $0.failure.isTransient && $0.nextAttempt >= 2 })

        let target = scratch.appendingPathComponent("restored")
        let restored = try await BackupRestore(server: account.server).run(
            snapshot: summary.snapshotID,
            into: target.path
        )
        #expect(restored.bytes == Int64(size))
        #expect(try Data(contentsOf: target.appendingPathComponent("large.bin")) == Data(contentsOf: file))
    }

    @Test(.timeLimit(.minutes(2)))
    func aRefusedUploadIsNotRetried() async throws {
        try await TestServer.withRunning { server in
            let account = try await BackupTestAccount.register("refused@example.org", at: server.baseURL)
            let scratch = TemporaryDirectory.make(prefix: "tether-retry")
            defer { TemporaryDirectory.remove(scratch) }
            let file = scratch.appendingPathComponent("f.bin")
            try BackupCLITests.random(4 << 20, seed: 22).write(to: file)

            // One chunk per pack; the first goes up, the second waits at the gate.
            let gate = TestGate<BackupPackAttempt> { attempt, _ in attempt.pack > 1 }
            let events = BackupEventLog()
            let options = BackupPush.Options(packChunks: 1, report: events.append) {
                guard await gate.pass($0) else { throw CancellationError() }
            }
            let push = Task { try await BackupPush(server: account.server, options: options).run(paths: [file.path]) }
            defer { push.cancel() }
            try await gate.wait { !$0.held.isEmpty }

            // The session revoked on the server mid-push: every upload now answers 401.
            try await account.signOut()
            await gate.hold { _, _ in false }
            await gate.release()
            let error = await #expect(throws: BackupClientError.self) { try await push.value }
            #expect(error?.status == 401)
            #expect(error?.isTransient == false)
            // Every retry is reported and passes the gate again; a 401 gets neither.
            #expect(events.retries.isEmpty)
            #expect(await gate.tally.passed.allSatisfy { $0.attempt == 1 })
        }
    }

    /// The CLI prints a retried request's note on stderr: its push reaches the server through a
    /// proxy that answers the first pack upload 503.
    @Test func theCLISaysWhenItRetries() async throws {
        try await TestServer.withRunning { server in
            let refused = Mutex(false)
            let proxy = try await ForwardingProxy.start(
                port: 0,
                upstream: server.baseURL,
                admit: { path in
                    let first =
                        path == "/v1/backup/packs"
                        && refused.withLock { refused in
                            defer { refused = true }
                            return !refused
                        }
                    return first ? .refuse(status: 503) : .forward
                }
            )
            defer { proxy.stop() }
            let cli = CLIHarness(serverURL: proxy.baseURL)
            try await cli.register("noted@example.org")
            let scratch = TemporaryDirectory.make(prefix: "tether-retry")
            defer { TemporaryDirectory.remove(scratch) }
            let file = scratch.appendingPathComponent("f.bin")
            try BackupCLITests.random(1 << 20, seed: 23).write(to: file)

            let result = try await cli.run("backup", "push", file.path, "--json")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("retrying (2 of 6) in"), "\(result.stderr)")
            #expect(try result.jsonObject()["bytes"] as? Int == 1 << 20)
        }
    }
}
