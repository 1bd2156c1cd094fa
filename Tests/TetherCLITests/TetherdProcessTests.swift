import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `tetherd` as a real process: settings from flags, environment and config file; signals; crashes.
@Suite("tetherd process")
struct TetherdProcessTests {
    @Test func settingsComeFromEnvironmentAndConfigFileWithFlagsWinning() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let configFile = directory.appendingPathComponent("tetherd.json")
        try Data(#"{"region": "from-file", "pairing-rate-limit": 1}"#.utf8).write(to: configFile)

        let server = try await TetherdProcess.start(
            dataDirectory: directory.appendingPathComponent("data"),
            arguments: ["--config", configFile.path],
            environment: ["TETHER_REGION": "from-env"]
        )
        defer { server.command.send(signal: SIGKILL) }
        let client = TetherClientFactory.client(serverURL: server.baseURL)
        let health = try await client.getHealth().ok.body.json
        #expect(health.region == "from-env")  // the environment wins over the file

        // The file's pairing-rate-limit of 1 applies: the second code is refused.
        let cli = CLIHarness(serverURL: server.baseURL)
        try await cli.register("limits@example.org")
        _ = try await cli.pairingCode()
        let second = try await cli.run("pair", "start", "--no-wait")
        #expect(second.status != 0)
        #expect(second.stderr.contains("rate_limited"))

        let flagged = try await TetherdProcess.start(
            dataDirectory: directory.appendingPathComponent("data2"),
            arguments: ["--config", configFile.path, "--region", "from-flag"],
            environment: ["TETHER_REGION": "from-env"]
        )
        defer { flagged.command.send(signal: SIGKILL) }
        let flaggedHealth = try await TetherClientFactory.client(serverURL: flagged.baseURL).getHealth().ok.body.json
        #expect(flaggedHealth.region == "from-flag")
    }

    @Test func badSettingsStopTetherdWithAMessageNamingTheSetting() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let runner = CommandRunner("tetherd")
        let badCost = try await runner.run(["--data-dir", directory.path, "--bcrypt-cost", "2"])
        #expect(badCost.status != 0)
        #expect(badCost.stderr.contains("bcrypt-cost"))

        let badDuration = try await CommandRunner("tetherd", environment: ["TETHER_PAIRING_CODE_TTL": "soon"])
            .run(["--data-dir", directory.path])
        #expect(badDuration.status != 0)
        #expect(badDuration.stderr.contains("pairing-code-ttl"))

        // A region directory that lets a replica leave its jurisdiction group is refused at start.
        let regions = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu", replicas: ["us"]), .init(id: "us", port: 10, group: "us"),
        ])
        let leaky = try await runner.run(["--data-dir", directory.path, "--region", "eu", "--regions", regions.path])
        #expect(leaky.status != 0)
        #expect(leaky.stderr.contains("regions[0].replicas"), "\(leaky.stderr)")
        let sound = try RegionDirectoryFile.write([.init(id: "eu", port: 9, group: "eu")])
        let missing = try await runner.run(["--data-dir", directory.path, "--region", "sg", "--regions", sound.path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("not in the region directory"), "\(missing.stderr)")
    }

    @Test func acknowledgedDataSurvivesSIGKILLAndARestart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let first = try await TetherdProcess.start(dataDirectory: directory)
        let cli = CLIHarness(serverURL: first.baseURL)
        try await cli.register("durable@example.org")
        let device = try await cli.claim(try await cli.pairingCode(), serial: "DUR-1")
        first.command.send(signal: SIGKILL)
        _ = try await first.command.wait()

        let second = try await TetherdProcess.start(dataDirectory: directory)
        defer { second.command.send(signal: SIGKILL) }
        let relogged = CLIHarness(serverURL: second.baseURL)
        let login = try await relogged.run(
            "account",
            "login",
            "--email",
            "durable@example.org",
            "--password-stdin",
            input: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        let devices = try #require(try await relogged.run("devices", "list", "--json").json() as? [[String: Any]])
        #expect(devices.map { $0["id"] as? String } == [device.id])

        // The device credential issued before the crash still works.
        let deviceClient = TetherClientFactory.client(serverURL: second.baseURL, tokens: StaticToken(device.credential))
        let me = try await deviceClient.getCallingDevice().ok.body.json
        #expect(me.serial == "DUR-1")
    }

    @Test func sigtermShutsDownCleanly() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let server = try await TetherdProcess.start(dataDirectory: directory)
        let health = try await TetherClientFactory.client(serverURL: server.baseURL).getHealth().ok.body.json
        #expect(health.status == .ok)
        server.command.send(signal: SIGTERM)
        let result = try await server.command.wait()
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func sigtermLetsAnInFlightRequestFinish() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        // bcrypt at cost 14 keeps a registration in flight for about a second.
        let server = try await TetherdProcess.start(dataDirectory: directory, arguments: ["--bcrypt-cost", "14"])
        let client = TetherClientFactory.client(serverURL: server.baseURL)
        let registration = Task {
            try await client.registerAccount(
                body: .json(.init(email: "inflight@example.org", password: "correct horse battery"))
            )
        }
        // Signal only once the server has logged the request: it is in a handler, not in a socket buffer.
        try await Poll.until("the server logs the request") {
            server.command.standardError().contains("hb.request.path=/v1/accounts")
        }
        server.command.send(signal: SIGTERM)

        let grant = try await registration.value.created.body.json
        #expect(grant.account.email == "inflight@example.org")
        let result = try await server.command.wait()
        #expect(result.status == 0, "\(result.stderr)")

        // What the finished request acknowledged is there after a restart.
        let restarted = try await TetherdProcess.start(dataDirectory: directory)
        defer { restarted.command.send(signal: SIGKILL) }
        let login = try await CLIHarness(serverURL: restarted.baseURL).run(
            "account",
            "login",
            "--email",
            "inflight@example.org",
            "--password-stdin",
            input: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
    }

    @Test func operatorTokenFromTheDataDirectoryOpensOperatorStats() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let issued = try await CommandRunner("tetherd").run(["operator-token", "--data-dir", directory.path])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("top_"))

        let server = try await TetherdProcess.start(dataDirectory: directory)
        defer { server.command.send(signal: SIGKILL) }
        let cli = CLIHarness(serverURL: server.baseURL)
        try await cli.register("someone@example.org")

        let stats = try await TetherClientFactory.client(serverURL: server.baseURL, tokens: StaticToken(token))
            .getOperatorStats().ok.body.json
        #expect(stats.accounts == 1)

        let forged = TetherClientFactory.client(serverURL: server.baseURL, tokens: StaticToken("top_not-a-real-token"))
        await #expect(throws: (any Error).self) { try await forged.getOperatorStats() }
    }

    @Test func metricsListenServesMetricsWithoutACredentialOnItsOwnAddress() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let metricsPort = try FreePort.pick(1)[0]
        let server = try await TetherdProcess.start(
            dataDirectory: directory,
            arguments: ["--metrics-listen", "127.0.0.1:\(metricsPort)"]
        )
        defer { server.command.send(signal: SIGKILL) }
        _ = try await TetherClientFactory.client(serverURL: server.baseURL).getHealth().ok
        // The main port wants an operator token; the metrics address wants none.
        await #expect(throws: (any Error).self) {
            try await TetherClientFactory.client(serverURL: server.baseURL).getMetrics().ok
        }
        let metrics = try await Poll.value("the metrics listener answers") { () -> String? in
            let url = URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!
            guard let (data, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        #expect(metrics.contains("hb_requests"))
    }
}
