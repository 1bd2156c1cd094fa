import ArgumentParser
import Foundation
import Hummingbird
import Logging
import TetherCore
import TetherServer
import TetherStore
import TetherSync

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
        let store = try await StoreBackend.openForCommand(settings, logger: logger)
        logger.info(
            "starting",
            metadata: [
                "tether.region": "\(settings.config.region)",
                "tether.data_dir": "\(settings.dataDirectory.path)",
                "tether.database": "\(settings.database.redacted)",
                "tether.durability": "\(settings.durability.rawValue)",
            ]
        )
        for warning in settings.config.peerWarnings {
            logger.warning("\(warning)")
        }
        try Self.dropRetiredKeys(settings, logger: logger)
        if settings.config.tlsCertificateFile == nil, !IPAddress.isLoopbackHost(settings.config.host) {
            logger.warning(
                """
                plain HTTP off loopback: passwords and tokens cross the network in the clear unless a proxy \
                in front terminates TLS; serve HTTPS with --tls-cert and --tls-key (README, Deployment)
                """,
                metadata: ["tether.host": "\(settings.config.host)"]
            )
        }
        let backups = try BackupVault.open(
            dataDirectory: settings.dataDirectory,
            kekFile: settings.kekFile,
            store: store,
            clock: settings.config.clock
        )
        logger.info("backups", metadata: ["tether.kek.id": "\(backups.kek.id)"])
        if settings.config.insecureFastPasswordHashing {
            logger.warning(
                "insecure fast password hashing: passwords are hashed at a cost a stolen database gives up quickly; for tests and demos only",
                metadata: ["tether.bcrypt.cost": "\(settings.config.bcryptCost)"]
            )
        }
        let app = try buildApplication(
            config: settings.config,
            store: store,
            logger: logger,
            backups: backups,
            replicaBlobs: try FileBlobStore(root: settings.dataDirectory.appendingPathComponent("replicas")),
            onServerRunning: { [logger, config = settings.config] channel in
                let host = config.host.contains(":") ? "[\(config.host)]" : config.host
                let port = channel.localAddress?.port ?? config.port
                logger.info("serving", metadata: ["tether.url": "\(config.scheme)://\(host):\(port)"])
            }
        )
        // runService() installs SIGINT/SIGTERM handlers; shutdown lets in-flight requests finish.
        try await app.runService()
        try store.close()
    }

    /// Drops from the key file the older pairs the regions file no longer lists for this region:
    /// a rotation is over once every region's copy of the file lists only the new keys.
    private static func dropRetiredKeys(_ settings: ServerSettings, logger: Logger) throws {
        guard let keyring = settings.config.regionKeyring,
            let own = settings.config.regions?.region(settings.config.region)
        else { return }
        let kept = keyring.keeping(listed: own.keys)
        guard kept.pairs.count < keyring.pairs.count else { return }
        try kept.write(to: settings.regionKeyFile)
        logger.notice(
            "region key: dropped the keys the regions file no longer lists",
            metadata: ["tether.region_key.dropped": "\(keyring.pairs.count - kept.pairs.count)"]
        )
    }
}
