import ArgumentParser
import TetherServer

/// `tetherd`: one Tether region server.
@main
struct Tetherd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tetherd",
        abstract: "Runs a Tether region server.",
        discussion: """
            Every flag can also be set by a TETHER_* environment variable (TETHER_PORT for --port) \
            or in a JSON config file given with --config; flags win over the environment, \
            which wins over the file.
            """,
        version: TetherVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CopyStoreCommand.self, OperatorTokenCommand.self,
            RotateKEKCommand.self, RegionKeyCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
