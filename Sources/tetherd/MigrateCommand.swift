import ArgumentParser
import Foundation
import Logging
import TetherServer
import TetherStore

/// `tetherd migrate`: applies pending schema migrations and exits, for a deployment that starts
/// its nodes with `--no-migrate`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending schema migrations to the database and exit.",
        discussion: """
            On PostgreSQL the migrations run under an advisory lock, so this is safe while other \
            nodes start. A database migrated by a newer tetherd is refused, naming both versions.
            """
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let settings = try self.options.resolve()
        var logger = Logger(label: "tetherd")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let store = try await StoreBackend.openForCommand(settings, schema: .migrate, logger: logger)
        try store.close()
        print("\(settings.database.redacted): schema is up to date")
    }
}
