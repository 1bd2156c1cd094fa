import Foundation
import Testing
import TetherSimulator
import TetherTesting

/// The scenarios across regions against two real `tetherd` regions on loopback, started with the
/// suite's flags and a region directory written from the scenarios' own regions.
@Suite(.serialized) struct RegionScenarioTests {
    /// Two (or more) region servers and the directory file they share.
    struct Regions {
        let servers: [TetherdProcess]
        let file: URL
        let scratch: URL
        /// Every region's servers accept it: the run steps their alert ticks.
        let operatorToken: String

        /// Starts one `tetherd` per region of `scenarios` (each region's definition must agree
        /// across files), on ports picked first so the directory can name them.
        static func start(for scenarios: [Scenario]) async throws -> Regions {
            var regions: [ScenarioRegion] = []
            for region in scenarios.flatMap(\.regions) {
                if let known = regions.first(where: { $0.id == region.id }) {
                    #expect(known == region, "region \(region.id) differs between scenarios")
                } else {
                    regions.append(region)
                }
            }
            let ports = try FreePort.pick(regions.count)
            let file = try RegionDirectoryFile.write(
                zip(regions, ports).map { region, port in
                    RegionDirectoryFile.Region(
                        id: region.id,
                        port: port,
                        group: region.group,
                        box: region.area.map { (west: $0.west, south: $0.south, east: $0.east, north: $0.north) }
                    )
                }
            )
            let scratch = TemporaryDirectory.make(prefix: "tether-sim-regions")
            let operatorToken = try await TetherdProcess.sharedOperatorToken(
                dataDirectories: regions.map { scratch.appendingPathComponent($0.id) }
            )
            var servers: [TetherdProcess] = []
            for (region, port) in zip(regions, ports) {
                servers.append(
                    try await TetherdProcess.start(
                        dataDirectory: scratch.appendingPathComponent(region.id),
                        port: port,
                        arguments: ScenarioSuiteTests.serverArguments + [
                            "--region", region.id, "--regions", file.path, "--peer-timeout", "30s",
                            "--region-key", RegionDirectoryFile.keyFile(for: region.id, regions: file).path,
                        ]
                    )
                )
            }
            return Regions(servers: servers, file: file, scratch: scratch, operatorToken: operatorToken)
        }

        func stop() {
            for server in self.servers { server.command.send(signal: SIGTERM) }
            TemporaryDirectory.remove(self.scratch)
            TemporaryDirectory.remove(self.file.deletingLastPathComponent())
        }
    }

    static func scenariosAcrossRegions() throws -> [Scenario] {
        try ScenarioLoader.files(in: ScenarioSuiteTests.scenarios).map { try ScenarioLoader.load(contentsOf: $0) }
            .filter(\.spansRegions)
    }

    @Test(.timeLimit(.minutes(3))) func everyScenarioAcrossRegionsPasses() async throws {
        let scenarios = try Self.scenariosAcrossRegions()
        #expect(scenarios.count >= 2)
        let regions = try await Regions.start(for: scenarios)
        defer { regions.stop() }
        let servers = try RegionDirectory.servers(contentsOf: regions.file)
        #expect(Set(servers.values) == Set(regions.servers.map(\.baseURL)))
        let options = RunOptions(regionServers: servers, timeout: .seconds(60), operatorToken: regions.operatorToken)
        let results = await SuiteRunner(options: options).run(scenarios)
        #expect(results.count == scenarios.reduce(0) { $0 + max(1, $1.variants.count) })
        #expect(results.allSatisfy { $0.passed }, "\n\(ResultTable.render(results))")
        for result in results {
            #expect(result.outcomes.allSatisfy { $0.match != nil }, "\(result.name)")
        }
        let routing = try #require(results.first { $0.name == "two-regions-routing" })
        #expect(routing.homeRegions == ["ada": "eu", "bob": "us", "carol": "us"])
        let home = try #require(results.first { $0.name == "two-regions-telemetry-home" })
        #expect(home.homeRegions == ["ada": "eu", "bob": "us"])
        #expect(home.received.map(\.device) == ["tag"])
    }

    @Test(.timeLimit(.minutes(3))) func theBinaryRunsThemWithARegionDirectoryAndFailsOnAWrongHome() async throws {
        let regions = try await Regions.start(for: try Self.scenariosAcrossRegions())
        defer { regions.stop() }
        let sim = CommandRunner("tether-sim", environment: ["TETHER_OPERATOR_TOKEN": regions.operatorToken])

        // --all with only --regions: the scenarios across regions run, the others are skipped, visibly.
        let passing = try await sim.run(["run", "--all", "--regions", regions.file.path, "--json"])
        #expect(passing.status == 0, "\(passing.stderr)")
        let report = try passing.jsonObject()
        #expect(report["failed"] as? Int == 0 && (report["passed"] as? Int ?? 0) >= 2)
        let entries = try #require(report["scenarios"] as? [[String: Any]])
        let routing = try #require(entries.first { $0["name"] as? String == "two-regions-routing" })
        #expect(routing["passed"] as? Bool == true)
        #expect(routing["home_regions"] as? [String: String] == ["ada": "eu", "bob": "us", "carol": "us"])
        #expect(passing.stderr.contains("that need a single server (--server URL): "))
        #expect(passing.stderr.contains("ada: registered ada+"))
        #expect(passing.stderr.contains("at us, sent home (421 wrong_region) to eu at"))
        #expect(passing.stderr.contains("tag: 5 event(s) refused by us (421 wrong_region, home eu at"))

        // Expecting Ada at home in the US fails the run: a FAIL row, exit status 1. (A later
        // start, so the servers' event-time clocks are not ahead of it.)
        let scratch = TemporaryDirectory.make(prefix: "tether-sim-scenario")
        defer { TemporaryDirectory.remove(scratch) }
        let file = scratch.appendingPathComponent("wrong-home.json")
        let original = try String(
            contentsOf: ScenarioSuiteTests.scenarios.appendingPathComponent("two-regions-telemetry-home.json"),
            encoding: .utf8
        )
        let wrong = original.replacingOccurrences(of: "2026-03-03", with: "2026-03-10")
            .replacingOccurrences(of: #""home_regions": {"ada": "eu""#, with: #""home_regions": {"ada": "us""#)
        #expect(wrong != original)
        try wrong.write(to: file, atomically: true, encoding: .utf8)
        let failing = try await sim.run(["run", file.path, "--regions", regions.file.path, "--timeout", "3s"])
        #expect(failing.status == 1, "\(failing.stderr)")
        #expect(failing.stdout.contains("wrong-home") && failing.stdout.contains("FAIL"))
        #expect(failing.stdout.contains("ada: home region eu, expected us"))
        #expect(failing.stdout.contains("passed 0, failed 1"))
    }

    @Test func aScenarioAcrossRegionsNamedWithoutItsServersIsAnError() async throws {
        let result = try await CommandRunner("tether-sim").run(
            ["run", "two-regions-routing", "--server", "http://127.0.0.1:9"]
        )
        #expect(result.status != 0)
        #expect(
            result.stderr.contains(
                "two-regions-routing runs across regions and needs a server for eu, us (--regions FILE)"
            )
        )
    }

    @Test func regionFieldsAreCheckedNamingTheField() throws {
        func problem(_ json: String) -> String? {
            do {
                _ = try ScenarioLoader.decode(Data(json.utf8), file: "r.json")
                return nil
            } catch {
                return error.description
            }
        }
        let owner =
            #"{"name": "ada", "location": {"lat": 52.5, "lon": 13.4}, "first_contact": "xx", "devices": [{"name": "tag", "kind": "tracker"}]}"#
        let regions = #"[{"id": "eu", "group": "eu"}, {"id": "us", "group": "us"}]"#
        #expect(
            problem(#"{"start": "now", "regions": \#(regions), "owners": [\#(owner)]}"#)
                == "r.json: owners[0].first_contact: no region 'xx' (regions: eu, us)"
        )
        let plain = owner.replacingOccurrences(of: #", "first_contact": "xx""#, with: "")
        #expect(
            problem(#"{"start": "now", "owners": [\#(plain)], "expect": {"home_regions": {"ada": "eu"}}}"#)
                == "r.json: expect.home_regions: needs the scenario's regions"
        )
        #expect(
            problem(
                #"{"start": "now", "regions": \#(regions), "owners": [\#(plain)], "expect": {"telemetry_only_at_home": ["bag"]}}"#
            )
                == "r.json: expect.telemetry_only_at_home[0]: no device named 'bag'"
        )
        #expect(
            problem(#"{"start": "now", "regions": [{"id": "EU"}], "owners": [\#(plain)]}"#)?
                .hasPrefix("r.json: regions[0].id: must be 1 to 32 of a-z") == true
        )
        #expect(problem(#"{"start": "now", "regions": \#(regions), "owners": [\#(plain)]}"#) == nil)
    }
}
