import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// Packs written by a real `tetherd` survive its SIGKILL: what a push got acknowledged (its pack
/// requests, then its commit) is all there after a restart.
struct BackupPackCrashTests {
    @Test func acknowledgedPacksSurviveSIGKILLAndARestart() async throws {
        let scratch = TemporaryDirectory.make(prefix: "tether-packs")
        defer { TemporaryDirectory.remove(scratch) }
        let data = scratch.appendingPathComponent("server")
        // A port outside the ephemeral range, so nothing else takes it while the server is down.
        let port = try FreePort.pick(1)[0]
        let first = try await TetherdProcess.start(dataDirectory: data, port: port)
        let cli = CLIHarness(serverURL: first.baseURL)
        let account = AccountID(
            rawValue: try #require(try await cli.register("packs@example.org")["account_id"] as? String)
        )
        let tree = scratch.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        for index in 0..<3 {
            try BackupCLITests.random(6 << 20, seed: UInt64(30 + index)).write(
                to: tree.appendingPathComponent("f\(index)")
            )
        }
        let pushed = try await cli.run("backup", "push", tree.path, "--json")
        #expect(pushed.status == 0, "\(pushed.stderr)")
        let snapshot = try #require(try pushed.jsonObject()["snapshot_id"] as? String)
        first.command.send(signal: SIGKILL)
        _ = try await first.command.wait()

        // Several chunks per pack: fewer packs than chunks.
        let store = try SQLiteStore.open(directory: data)
        let chunks = try await store.backupChunks(account: account)
        let packs = try await store.backupPacks(account: account)
        try store.close()
        #expect(packs.count > 1)
        #expect(packs.count < chunks.count)
        #expect(packs.reduce(0) { $0 + $1.liveChunks } == chunks.count)

        let second = try await TetherdProcess.start(dataDirectory: data, port: port)
        defer { second.command.send(signal: SIGKILL) }
        let verify = try await cli.run("backup", "verify", "--deep", "--json")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(try verify.jsonObject()["ok"] as? Bool == true)
        let target = scratch.appendingPathComponent("restored")
        let restore = try await cli.run("backup", "restore", snapshot, "--to", target.path)
        #expect(restore.status == 0, "\(restore.stderr)")
        for index in 0..<3 {
            let name = "tree/f\(index)"
            #expect(
                try Data(contentsOf: target.appendingPathComponent(name))
                    == Data(contentsOf: tree.appendingPathComponent("f\(index)"))
            )
        }
    }
}
