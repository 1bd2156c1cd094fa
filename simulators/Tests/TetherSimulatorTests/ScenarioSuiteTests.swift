import Foundation
import Testing
import TetherSimulator
import TetherTesting

/// The whole scenario suite against a real `tetherd`, started as the simulator expects it:
/// event-time alert clock, no telemetry time window, cheap bcrypt, no pairing limit.
@Suite(.serialized) struct ScenarioSuiteTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scenarios").standardizedFileURL

    static let serverArguments = [
        "--ts-max-past", "off", "--ts-max-future", "off", "--clock", "event-time", "--pairing-rate-limit", "100000",
    ]

    /// Runs `body` with a fresh `tetherd` (a fresh event-time clock) and an operator token of
    /// it, and stops it after.
    func withServer(_ body: (URL, String) async throws -> Void) async throws {
        let directory = TemporaryDirectory.make(prefix: "tether-sim")
        defer { TemporaryDirectory.remove(directory) }
        let token = try await TetherdProcess.operatorToken(dataDirectory: directory)
        let server = try await TetherdProcess.start(dataDirectory: directory, arguments: Self.serverArguments)
        defer { server.command.send(signal: SIGTERM) }
        try await body(server.baseURL, token)
    }

    @Test(.timeLimit(.minutes(6))) func everyScenarioPasses() async throws {
        // The scenarios across regions need a server per region: RegionScenarioTests runs them;
        // one that restarts its server needs a restartable one: BackupScenarioTests runs it.
        let scenarios = try ScenarioLoader.files(in: Self.scenarios).map { try ScenarioLoader.load(contentsOf: $0) }
            .filter { !$0.spansRegions && !$0.restartsServer }
        #expect(scenarios.count >= 10)
        try await self.withServer { url, token in
            // The run steps the server's alert tick instead of waiting for it to go quiet.
            let options = RunOptions(serverURL: url, timeout: .seconds(60), operatorToken: token)
            let results = await SuiteRunner(options: options).run(scenarios)
            let variants = scenarios.reduce(0) { $0 + max(1, $1.variants.count) }
            #expect(results.count == variants)
            #expect(results.allSatisfy { $0.passed }, "\n\(ResultTable.render(results))")
            let report = SuiteReport(results)
            #expect(report.passed == variants && report.failed == 0)
            // Every expected alert was met by one the server really sent.
            for result in results {
                #expect(result.outcomes.allSatisfy { $0.match != nil }, "\(result.name)")
            }
        }
    }

    @Test(.timeLimit(.minutes(3))) func theBinaryPrintsJSONAndFailsOnAMismatch() async throws {
        try await self.withServer { url, token in
            let sim = CommandRunner("tether-sim")
            let passing = try await sim.run([
                "run", "walk-away", "--server", url.absoluteString, "--json", "--operator-token", token,
            ])
            #expect(passing.status == 0, "\(passing.stderr)")
            let report = try passing.jsonObject()
            #expect(Set(report.keys) == ["passed", "failed", "scenarios"])
            #expect(report["passed"] as? Int == 1 && report["failed"] as? Int == 0)
            let entry = try #require((report["scenarios"] as? [[String: Any]])?.first)
            #expect(Set(entry.keys) == ["name", "passed", "expected", "received"])
            #expect(entry["name"] as? String == "walk-away" && entry["passed"] as? Bool == true)
            let received = try #require(entry["received"] as? [[String: Any]])
            #expect(received.count == 1)
            #expect(Set(received[0].keys) == ["kind", "device_id", "ts"])
            #expect(received[0]["kind"] as? String == "anti_lost")
            #expect(received[0]["ts"] as? String == "2026-01-12T08:02:45.000Z")
            let expected = try #require(entry["expected"] as? [[String: Any]])
            #expect(expected.first?["device_id"] as? String == received[0]["device_id"] as? String)
            // Progress goes to stderr, one line per step and owner.
            #expect(passing.stderr.contains("[walk-away] ada: registered ada+"))

            // The same track expecting the alert a minute early fails, exit status 1.
            let file = TemporaryDirectory.make(prefix: "tether-sim-scenario").appendingPathComponent("early.json")
            defer { TemporaryDirectory.remove(file.deletingLastPathComponent()) }
            let walkAway = try String(
                contentsOf: Self.scenarios.appendingPathComponent("walk-away.json"),
                encoding: .utf8
            )
            try walkAway.replacingOccurrences(of: "2026-01-12", with: "2026-01-13")
                .replacingOccurrences(of: #""from": "2m30s", "to": "3m45s""#, with: #""from": "1m", "to": "1m30s""#)
                .write(to: file, atomically: true, encoding: .utf8)
            let withToken = CommandRunner("tether-sim", environment: ["TETHER_OPERATOR_TOKEN": token])
            let failing = try await withToken.run(["run", file.path, "--server", url.absoluteString])
            #expect(failing.status == 1)
            #expect(failing.stdout.contains("early") && failing.stdout.contains("FAIL"))
            #expect(failing.stdout.contains("missing: anti_lost of tag between +1m and +1m30s"))
            #expect(failing.stdout.contains("unexpected: anti_lost of tag at +2m45s"))
            #expect(failing.stdout.contains("passed 0, failed 1"))
        }
    }

    @Test func aBadScenarioFileIsRefusedNamingTheField() async throws {
        let file = TemporaryDirectory.make(prefix: "tether-sim-scenario").appendingPathComponent("bad.json")
        defer { TemporaryDirectory.remove(file.deletingLastPathComponent()) }
        try #"{"start": "now", "owners": [{"name": "ada", "devices": [{"name": "tag", "kind": "tag"}]}]}"#
            .write(to: file, atomically: true, encoding: .utf8)
        let result = try await CommandRunner("tether-sim").run(["run", file.path, "--server", "http://127.0.0.1:9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.json: owners[0].devices[0].kind: 'tag' is not one of"))
    }
}
