import Foundation
import Testing
import TetherSync
import TetherTesting

/// `tetherd rotate-kek` re-wraps the data keys: the old KEK no longer opens them, the new one
/// restores the same bytes.
@Suite("tetherd rotate-kek")
struct BackupKEKRotationTests {
    @Test func rotationRewrapsDataKeysAndRestoreWorksUnderTheNewKEK() async throws {
        let data = TemporaryDirectory.make(prefix: "tether-kek")
        let work = TemporaryDirectory.make(prefix: "tether-kek-work")
        defer {
            TemporaryDirectory.remove(data)
            TemporaryDirectory.remove(work)
        }
        let file = work.appendingPathComponent("notes.txt")
        try Data(String(repeating: "rotate me\n", count: 20_000).utf8).write(to: file)
        let configHome = TemporaryDirectory.make(prefix: "tether-kek-cli")
        defer { TemporaryDirectory.remove(configHome) }

        func cli(_ server: TestServer) -> CommandRunner {
            CommandRunner(
                "tether",
                environment: ["XDG_CONFIG_HOME": configHome.path, "TETHER_SERVER": server.baseURL.absoluteString]
            )
        }
        let snapshot = try await TestServer.withRunning(dataDirectory: data) { server in
            let register = try await cli(server).run(
                ["account", "register", "--email", "kek@example.org", "--password-stdin"],
                standardInput: "correct horse battery\n"
            )
            #expect(register.status == 0, "\(register.stderr)")
            let push = try await cli(server).run(["backup", "push", file.path, "--json"])
            #expect(push.status == 0, "\(push.stderr)")
            return try #require(try push.jsonObject()["snapshot_id"] as? String)
        }

        let newKEK = work.appendingPathComponent("new.kek")
        try Data((String(repeating: "5a", count: 32) + "\n").utf8).write(to: newKEK)
        let rotate = try await CommandRunner("tetherd").run([
            "rotate-kek", "--data-dir", data.path, "--new-kek-file", newKEK.path,
        ])
        #expect(rotate.status == 0, "\(rotate.stderr)")
        #expect(rotate.stdout.contains("re-wrapped 1 data keys"))

        func restore(_ server: TestServer, into name: String) async throws -> CommandRunner.Result {
            let login = try await cli(server).run(
                ["account", "login", "--email", "kek@example.org", "--password-stdin"],
                standardInput: "correct horse battery\n"
            )
            #expect(login.status == 0, "\(login.stderr)")
            return try await cli(server).run([
                "backup", "restore", snapshot, "--to", work.appendingPathComponent(name).path,
            ])
        }
        // Still holding the old KEK, the server cannot open the re-wrapped key.
        try await TestServer.withRunning(dataDirectory: data) { server in
            let refused = try await restore(server, into: "old")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("kek_mismatch"))
        }
        // With the new KEK in place, the same bytes come back.
        try FileManager.default.removeItem(at: KeyEncryptionKey.defaultFile(dataDirectory: data))
        try FileManager.default.copyItem(at: newKEK, to: KeyEncryptionKey.defaultFile(dataDirectory: data))
        try await TestServer.withRunning(dataDirectory: data) { server in
            let restored = try await restore(server, into: "new")
            #expect(restored.status == 0, "\(restored.stderr)")
            let bytes = try Data(contentsOf: work.appendingPathComponent("new/notes.txt"))
            #expect(bytes == (try Data(contentsOf: file)))
        }
    }
}
