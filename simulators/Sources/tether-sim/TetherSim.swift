import ArgumentParser

/// `tether-sim`: simulated devices and phones against a running `tetherd`, over HTTP only.
@main
struct TetherSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tether-sim",
        abstract: "Simulate devices and phones against a running tetherd.",
        discussion: """
            The server under test runs with an event-time alert clock and no telemetry time window:
              tetherd --clock event-time --ts-max-past off --ts-max-future off --pairing-rate-limit 100000
            """,
        subcommands: [RunCommand.self, LoadCommand.self]
    )
}
