import ArgumentParser
import Foundation
import TetherCore
import TetherSimulator

/// `tether-sim run SCENARIO… | --all --server URL`: runs scenarios and compares the alerts.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenarios against a server and check the alerts they must raise.",
        discussion: """
            A SCENARIO is a path to a JSON file or the name of one in the scenario folder \
            (simulators/scenarios, found above the working directory or the executable, or --scenarios). \
            Progress goes to stderr, the pass/fail table (or --json) to stdout; the exit status is 1 \
            when any scenario fails. A scenario across regions (it lists "regions") runs against the \
            servers of a region directory file (--regions FILE, the file the tetherd regions run with); \
            any other against --server. Named, a scenario whose servers are not given is an error; with \
            --all it is skipped, with a note on stderr and under the table.
            """
    )

    @Argument(help: "Scenario files or names.")
    var scenarios: [String] = []

    @Flag(help: "Run every scenario in the scenario folder.")
    var all = false

    @Option(help: "The server, e.g. http://127.0.0.1:8080 (else TETHER_SERVER).")
    var server: String?

    @Option(help: "A region directory file naming each region's server, for scenarios across regions.")
    var regions: String?

    @Option(help: "The scenario folder.")
    var scenariosDirectory: String?

    @Option(help: "Event time per wall time, e.g. 60 posts a minute of events per second; default as fast as possible.")
    var speed: Double?

    @Option(help: "The longest wait for expected alerts after the last upload, like 15s.")
    var timeout = "15s"

    @Option(help: "How long no alert may arrive before a scenario is done, like 1500ms.")
    var settle = "1500ms"

    @Option(
        name: .customLong("operator-token"),
        help: ArgumentHelp(
            "An operator token of the server(s) (else TETHER_OPERATOR_TOKEN): run each server's alert tick after the uploads instead of waiting --settle.",
            valueName: "TOKEN"
        )
    )
    var operatorToken: String?

    @Option(
        name: .customLong("restart-command"),
        help: ArgumentHelp(
            "Restarts a server for backup pushes a restart interrupts: run as 'CMD stop URL' (return once it is gone) and 'CMD start URL' (same URL and data).",
            valueName: "CMD"
        )
    )
    var restartCommand: String?

    @Flag(help: "Print {\"passed\", \"failed\", \"scenarios\": […]} on stdout instead of the table.")
    var json = false

    func validate() throws {
        guard self.all != !self.scenarios.isEmpty else {
            throw ValidationError("name scenarios or pass --all, not both")
        }
        if self.server != nil || ProcessInfo.processInfo.environment["TETHER_SERVER"] != nil || self.regions == nil {
            guard self.serverURL != nil else {
                throw ValidationError(
                    "--server URL (or TETHER_SERVER) must be an http(s) URL, or give --regions FILE for scenarios across regions"
                )
            }
        }
        if let speed, !(speed > 0) { throw ValidationError("--speed must be above 0") }
        _ = try Duration(setting: self.timeout, field: "--timeout")
        _ = try Duration(setting: self.settle, field: "--settle")
    }

    func run() async throws {
        let directory =
            self.scenariosDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? ScenarioLoader.defaultDirectory(searchingFrom: [
                URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true),
                URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
            ])
        let files: [URL]
        if self.all {
            guard let directory else {
                throw ValidationError("no simulators/scenarios folder found; pass --scenarios-directory")
            }
            files = try ScenarioLoader.files(in: directory)
        } else {
            files = self.scenarios.map { ScenarioLoader.file($0, in: directory) }
        }
        var scenarios = try files.map { url throws(ScenarioError) in try ScenarioLoader.load(contentsOf: url) }
        let regionServers = try self.regions.map { path throws(SimulationError) in
            try RegionDirectory.servers(contentsOf: URL(fileURLWithPath: path))
        }
        let options = RunOptions(
            serverURL: self.serverURL,
            regionServers: regionServers ?? [:],
            speed: self.speed,
            timeout: try Duration(setting: self.timeout, field: "--timeout"),
            settle: try Duration(setting: self.settle, field: "--settle"),
            operatorToken: self.operatorToken ?? ProcessInfo.processInfo.environment["TETHER_OPERATOR_TOKEN"],
            serverRestarter: self.restartCommand.map(RestartCommand.restarter),
            progress: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        )
        let skipped = scenarios.compactMap { scenario in
            options.missingServers(for: scenario).map { (name: scenario.name, reason: $0) }
        }
        if !skipped.isEmpty {
            guard self.all else {
                throw ValidationError(skipped.map { "\($0.name) \($0.reason)" }.joined(separator: "; "))
            }
            for note in ResultTable.skipNotes(skipped) {
                FileHandle.standardError.write(Data((note + "\n").utf8))
            }
            scenarios.removeAll { options.missingServers(for: $0) != nil }
        }
        let began = ContinuousClock.now
        let results = await SuiteRunner(options: options).run(scenarios)
        if self.json {
            print(try SuiteReport(results).json())
        } else {
            print(ResultTable.render(results, elapsed: began.duration(to: .now), skipped: skipped))
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode.failure }
    }

    private var serverURL: URL? {
        guard let text = self.server ?? ProcessInfo.processInfo.environment["TETHER_SERVER"],
            let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "")
        else { return nil }
        return url
    }
}
