import ArgumentParser

/// `tether-bench`: runs Tether's engines on the shared benchmark workloads (`../shared/bench/`)
/// and prints one JSON line per measurement, with the keys the reference harness prints.
@main
struct TetherBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tether-bench",
        abstract: "Measure Tether's engines on the shared benchmark workloads.",
        subcommands: [GeoCommand.self, IngestCommand.self, IngestHTTPCommand.self, AlertsCommand.self]
    )
}
