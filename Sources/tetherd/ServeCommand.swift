import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TetherServer
import TetherStore

/// `tetherd serve` (the default): runs the server until SIGINT or SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the API (the default command)."
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let settings = try self.options.resolve()
        var logger = Logger(label: "tetherd")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .info
        let store = try SQLiteStore.open(directory: settings.dataDirectory, durability: settings.durability)
        logger.info(
            "starting",
            metadata: [
                "tether.region": "\(settings.config.region)",
                "tether.data_dir": "\(settings.dataDirectory.path)",
                "tether.durability": "\(settings.durability.rawValue)",
            ]
        )
        let app = try buildApplication(config: settings.config, store: store, logger: logger)
        // runService() installs SIGINT/SIGTERM handlers; shutdown lets in-flight requests finish.
        try await app.runService()
        try store.close()
    }
}
