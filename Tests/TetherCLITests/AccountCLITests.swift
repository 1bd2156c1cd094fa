import Foundation
import Testing
import TetherServer
import TetherTesting

@Suite("tether account")
struct AccountCLITests {
    @Test func registerSavesAPrivateProfileAndWhoamiReadsIt() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            let registered = try await cli.register("  Ada@Example.ORG ")
            #expect(registered["email"] as? String == "ada@example.org")
            #expect(registered["region"] as? String == "local")
            let accountID = try #require(registered["account_id"] as? String)

            let attributes = try FileManager.default.attributesOfItem(
                atPath: cli.configHome.appendingPathComponent("tether/config.json").path
            )
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect((try cli.profile()["access_token"] as? String)?.hasPrefix("tat_") == true)

            // Global options work before the subcommand too.
            let whoami = try await cli.run("--json", "account", "whoami")
            #expect(whoami.status == 0)
            #expect(try whoami.jsonObject()["account_id"] as? String == accountID)
        }
    }

    @Test func registerWithLocationOrRegionIsRecordedInTheExport() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            let register = try await cli.tryRegister("geo@example.org", "--lat", "48.85", "--lon", "2.35", "--json")
            #expect(register.status == 0)
            let export = try await cli.run("account", "export")
            let signup = try #require(try export.jsonObject()["signup"] as? [String: Any])
            #expect(signup["latitude"] as? Double == 48.85)
            #expect(signup["longitude"] as? Double == 2.35)

            let other = CLIHarness(server: server)
            let badLatitude = try await other.tryRegister("geo2@example.org", "--lat", "123", "--lon", "2")
            #expect(badLatitude.status != 0)
            #expect(badLatitude.stderr.contains("latitude"))
        }
    }

    @Test func duplicateEmailAndShortPasswordFailWithOneLine() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("dup@example.org")
            let duplicate = try await CLIHarness(server: server).tryRegister(
                "DUP@example.org",
                password: "another password"
            )
            #expect(duplicate.status != 0)
            #expect(duplicate.stderr.contains("email_taken"))
            #expect(duplicate.stderr.split(separator: "\n").count == 1)

            let short = try await CLIHarness(server: server).tryRegister("short@example.org", password: "short")
            #expect(short.status != 0)
            #expect(short.stderr.contains("password"))
        }
    }

    @Test func loginLogoutAndWrongPassword() async throws {
        try await TestServer.withRunning { server in
            let first = CLIHarness(server: server)
            try await first.register("login@example.org", password: "correct horse battery")

            let second = CLIHarness(server: server)
            let wrong = try await second.run(
                "account",
                "login",
                "--email",
                "login@example.org",
                "--password-stdin",
                input: "wrong password!\n"
            )
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("invalid_credentials"))

            let login = try await second.run(
                "account",
                "login",
                "--email",
                "login@example.org",
                "--password-stdin",
                "--json",
                input: "correct horse battery\n"
            )
            #expect(login.status == 0)
            #expect(try login.jsonObject()["email"] as? String == "login@example.org")

            // TETHER_PASSWORD works where stdin is not used.
            var withEnvironment = CLIHarness(server: server).runner
            withEnvironment.environment["TETHER_PASSWORD"] = "correct horse battery"
            let environmentLogin = try await withEnvironment.run(["account", "login", "--email", "login@example.org"])
            #expect(environmentLogin.status == 0)

            let logout = try await second.run("account", "logout")
            #expect(logout.status == 0)
            let after = try await second.run("account", "whoami")
            #expect(after.status != 0)
            #expect(after.stderr.contains("not logged in"))
            // The first session is untouched.
            #expect(try await first.run("account", "whoami").status == 0)
        }
    }

    @Test func expiredAccessTokenIsRefreshedAndSaved() async throws {
        let clock = ManualClock()
        var config = ServerConfig.testing
        config.clock = clock.now
        try await TestServer.withRunning(config: config) { server in
            let cli = CLIHarness(server: server)
            try await cli.register("refresh@example.org")
            let before = try #require(try cli.profile()["access_token"] as? String)
            clock.advance(by: .seconds(2 * 3_600))

            let whoami = try await cli.run("account", "whoami", "--json")
            #expect(whoami.status == 0, "\(whoami.stderr)")
            let after = try #require(try cli.profile()["access_token"] as? String)
            #expect(after != before)

            clock.advance(by: .seconds(31 * 86_400))
            let expired = try await cli.run("account", "whoami")
            #expect(expired.status != 0)
            #expect(expired.stderr.contains("session expired"))
        }
    }

    @Test func exportWritesAPrivateFileAndDeleteRemovesEverything() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("gone@example.org")
            let device = try await cli.claim(try await cli.pairingCode(), serial: "EXP-1")

            let file = cli.configHome.appendingPathComponent("export.json")
            let export = try await cli.run("account", "export", "--output", file.path, "--json")
            #expect(export.status == 0)
            // With --json the document is printed too, as CLI.md promises.
            #expect(try export.jsonObject()["format"] as? String == "tether.export.v1")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            )
            let devices = try #require(document["devices"] as? [[String: Any]])
            #expect(devices.map { $0["id"] as? String } == [device.id])
            let fileAttributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((fileAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains(device.credential))
            #expect(!text.contains("tat_"))

            let refused = try await cli.run("account", "delete")
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--yes"))
            #expect(try await cli.run("account", "whoami").status == 0)

            let delete = try await cli.run("account", "delete", "--yes", "--json")
            #expect(delete.status == 0)
            #expect(try delete.jsonObject()["deleted"] as? Bool == true)

            // Signed out locally, and the email is free again.
            #expect(try await cli.run("account", "whoami").status != 0)
            let again = try await CLIHarness(server: server).register("gone@example.org")
            #expect(again["account_id"] as? String != nil)
        }
    }

    @Test func unreachableServerAndMissingServerGiveOneClearLine() async throws {
        let configHome = TemporaryDirectory.make(prefix: "tether-cli")
        defer { TemporaryDirectory.remove(configHome) }
        let runner = CommandRunner("tether", environment: ["XDG_CONFIG_HOME": configHome.path])

        let unreachable = try await runner.run(
            ["--server", "http://127.0.0.1:9", "account", "login", "--email", "a@example.org", "--password-stdin"],
            standardInput: "whatever password\n"
        )
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("cannot reach the server at http://127.0.0.1:9"))
        #expect(unreachable.stderr.split(separator: "\n").count == 1)

        let noServer = try await runner.run(
            ["account", "login", "--email", "a@example.org", "--password-stdin"],
            standardInput: "x\n"
        )
        #expect(noServer.status != 0)
        #expect(noServer.stderr.contains("no server"))

        let badArguments = try await runner.run(["account", "register", "--email", "a@example.org", "--lat", "1"])
        #expect(badArguments.status == 64)
        #expect(badArguments.stderr == "Error: --lat and --lon go together\n")

        let unknownOption = try await runner.run(["devices", "list", "--colour"])
        #expect(unknownOption.status == 64)
        #expect(unknownOption.stderr.split(separator: "\n").count == 1)
        #expect(unknownOption.stderr.contains("--colour"))
    }

    @Test func negativeCoordinatesAreValuesNotOptions() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            let register = try await cli.tryRegister("nyc@example.org", "--lat", "-33.87", "--lon", "-74.0", "--json")
            #expect(register.status == 0, "\(register.stderr)")
            let signup = try #require(try await cli.run("account", "export").jsonObject()["signup"] as? [String: Any])
            #expect(signup["latitude"] as? Double == -33.87)
            #expect(signup["longitude"] as? Double == -74.0)
        }
    }

    @Test func theSavedSessionIsNeverSentToAnotherServer() async throws {
        try await TestServer.withRunning { first in
            try await TestServer.withRunning { second in
                let cli = CLIHarness(server: first)
                try await cli.register("loyal@example.org")
                let elsewhere = try await cli.run("--server", second.baseURL.absoluteString, "account", "whoami")
                #expect(elsewhere.status != 0)
                #expect(elsewhere.stderr.contains("the saved session is for \(first.baseURL.absoluteString)"))
                // The same server spelt with a trailing slash is the same server.
                let sameServer = try await cli.run("--server", first.baseURL.absoluteString + "/", "account", "whoami")
                #expect(sameServer.status == 0, "\(sameServer.stderr)")
            }
        }
    }

    @Test func concurrentCommandsShareOneRefreshedSession() async throws {
        let clock = ManualClock()
        var config = ServerConfig.testing
        config.clock = clock.now
        try await TestServer.withRunning(config: config) { server in
            let cli = CLIHarness(server: server)
            try await cli.register("twice@example.org")
            clock.advance(by: .seconds(2 * 3_600))
            // Both see an expired access token; one refresh wins the rotation, the other adopts it.
            async let first = cli.run("account", "whoami", "--json")
            async let second = cli.run("devices", "list", "--json")
            let (a, b) = try await (first, second)
            #expect(a.status == 0, "\(a.stderr)")
            #expect(b.status == 0, "\(b.stderr)")
            #expect(try await cli.run("account", "whoami").status == 0)
        }
    }
}
