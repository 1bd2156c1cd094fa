import Foundation
import Testing
import TetherCore
import TetherStore
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// A push outlives a restart of its server: uploads that fail while the server is down (the
/// connection reset or refused) are retried with backoff, and the snapshot is whole.
@Suite("tether backup retry", .serialized)
struct BackupRetryCLITests {
    @Test func aPushSurvivesTheServerBeingKilledAndRestartedMidway() async throws {
        let scratch = TemporaryDirectory.make(prefix: "tether-retry")
        defer { TemporaryDirectory.remove(scratch) }
        let data = scratch.appendingPathComponent("server")
        var server = try await TetherdProcess.start(dataDirectory: data)
        defer { server.command.send(signal: SIGKILL) }
        let port = try #require(server.baseURL.port)
        let cli = CLIHarness(serverURL: server.baseURL)
        let account = AccountID(
            rawValue: try #require(try await cli.register("retry@example.org")["account_id"] as? String)
        )
        let file = scratch.appendingPathComponent("large.bin")
        let size = 64 << 20
        try BackupCLITests.random(size, seed: 21).write(to: file)

        // Small, slowed packs (four chunks each, 200 ms apart per upload), so many uploads are
        // still to come when the server dies, however fast the machine.
        var small = cli.runner
        small.environment["TETHER_BACKUP_PACK_CHUNKS"] = "4"
        small.environment["TETHER_BACKUP_UPLOAD_PAUSE_MS"] = "200"
        let push = try small.start(["backup", "push", file.path, "--json"])
        let store = try SQLiteStore.open(directory: data)
        defer { try? store.close() }
        let deadline = Date().addingTimeInterval(60)
        while try await store.backupChunks(account: account).count < 8 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        // Stopped first, so the push's next upload is certainly in flight (the kernel still
        // accepts its connection and buffers its body) when the kill resets it; then down for a
        // second, and back on the same port.
        server.command.send(signal: SIGSTOP)
        try await Task.sleep(for: .milliseconds(500))
        try #require(push.standardOutput().isEmpty, "the push finished before the server stopped")
        server.command.send(signal: SIGKILL)
        _ = try await server.command.wait()
        try await Task.sleep(for: .seconds(1))
        server = try await TetherdProcess.start(dataDirectory: data, port: port)

        let result = try await push.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("retrying"), "\(result.stderr)")
        let output = try result.jsonObject()
        #expect(output["bytes"] as? Int == size)
        let snapshot = try #require(output["snapshot_id"] as? String)
        let target = scratch.appendingPathComponent("restored")
        let restore = try await cli.run("backup", "restore", snapshot, "--to", target.path)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Data(contentsOf: target.appendingPathComponent("large.bin")) == Data(contentsOf: file))
    }

    @Test func aRefusedUploadIsNotRetried() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("refused@example.org")
            let scratch = TemporaryDirectory.make(prefix: "tether-retry")
            defer { TemporaryDirectory.remove(scratch) }
            let file = scratch.appendingPathComponent("f.bin")
            try BackupCLITests.random(24 << 20, seed: 22).write(to: file)
            var slow = cli.runner
            slow.environment["TETHER_BACKUP_UPLOAD_PAUSE_MS"] = "300"
            slow.environment["TETHER_BACKUP_PACK_CHUNKS"] = "1"
            let push = try slow.start(["backup", "push", file.path])
            try await Task.sleep(for: .milliseconds(600))
            // The session revoked on the server mid-push: every upload now answers 401.
            let logout = try await cli.run("account", "logout")
            #expect(logout.status == 0, "\(logout.stderr)")
            let result = try await push.wait()
            #expect(result.status != 0)
            #expect(result.stderr.contains("session expired"), "\(result.stderr)")
            // Every retry prints a note; a 401 gets none.
            #expect(!result.stderr.contains("retrying"), "\(result.stderr)")
        }
    }
}
