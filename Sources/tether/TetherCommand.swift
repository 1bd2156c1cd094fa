import ArgumentParser
import Foundation

/// `tether`: the companion CLI for a person's account, pairing and devices.
@main
struct TetherCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tether",
        abstract: "The Tether companion CLI: your account, pairing, devices, their telemetry and alerts.",
        discussion: """
            The server comes from --server, else TETHER_SERVER, else the saved profile \
            ($XDG_CONFIG_HOME/tether/config.json). --json prints one JSON value for scripts.
            """,
        version: CLIVersion.current,
        subcommands: [
            AccountCommand.self, PairCommand.self, DeviceCommand.self, DevicesCommand.self, TelemetryCommand.self,
            UsageCommand.self, RulesCommand.self, FencesCommand.self, DoNotDisturbCommand.self, AlertsCommand.self,
            BackupCommand.self, SyncCommand.self,
        ]
    )

    /// Parses with global options allowed before the subcommand (`tether --json devices list`).
    static func main() async {
        let arguments = GlobalOptions.movingLeadingOptionsToEnd(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try Self.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // Help and version go out in full; a failure is one line on stderr (no usage block).
            let status = Self.exitCode(for: error)
            guard status != .success else { Self.exit(withError: error) }
            FileHandle.standardError.write(Data("Error: \(Self.message(for: error))\n".utf8))
            Self.exit(withError: ExitCode(status.rawValue))
        }
    }
}

/// The CLI's version.
enum CLIVersion {
    static let current = "0.1.0"
}
