public import Foundation
public import TetherCore
public import TetherStore
import TetherSync

/// All settings of `tetherd serve`, resolved from ``SettingSources``.
public struct ServerSettings: Sendable {
    /// The server configuration.
    public var config: ServerConfig
    /// Where the SQLite database and keys live. Default `./tether-data`.
    public var dataDirectory: URL
    /// The region's key-encryption key file (`--kek-file`); `nil`: `<data-dir>/keys/region.kek`,
    /// created at first start.
    public var kekFile: URL?
    /// The region's key file (`--region-key`). Default `<data-dir>.region-key`.
    public var regionKeyFile: URL
    /// The log level. Default `info`.
    public var logLevel: String
    /// What a commit survives. Default ``StoreDurability/processCrash``.
    public var durability: StoreDurability
    /// Where the records live (`--database`). Default: the SQLite file `<data-dir>/tether.sqlite`.
    public var database: DatabaseSetting = .sqlite(file: URL(fileURLWithPath: "tether-data/tether.sqlite"))
    /// The PEM file of the CA that signed the PostgreSQL server's certificate
    /// (`--database-ca-file`), for `sslmode=verify-full`.
    public var databaseCAFile: URL?
    /// The PostgreSQL password: the contents of `--database-password-file`, or
    /// `TETHER_DATABASE_PASSWORD`. Never a flag, never logged.
    public var databasePassword: String?
    /// The most PostgreSQL connections (`--database-pool-size`). Default 16.
    public var databasePoolSize = 16
    /// Whether the server applies pending migrations at start; `false` with `--no-migrate`.
    public var migratesOnStart = true

    /// The keys ``init(resolving:)`` reads, in the order the README lists them.
    public static let keys = [
        "host", "port", "region", "regions", "data-dir", "pairing-code-ttl", "pairing-rate-limit", "bcrypt-cost",
        "access-token-ttl", "refresh-token-ttl", "sign-in-failure-limit", "sign-in-failure-window",
        "claim-failure-limit", "claim-failure-window", "max-body-bytes", "ts-max-past", "ts-max-future",
        "telemetry-retention", "aggregate-retention", "durability", "clock", "webhook-targets", "log-level",
        "kek-file", "directory-sync-interval", "directory-tombstone-retention", "peer-timeout", "move-deadline",
        "move-check-interval", "max-bytes-in-flight", "max-connections", "idle-timeout", "read-timeout",
        "max-streams-per-account", "metrics-listen", "tls-cert", "tls-key", "trusted-proxy",
        "sign-in-address-limit", "sign-in-email-limit", "registration-address-limit",
        "credential-failure-limit", "credential-failure-window", "insecure-fast-password-hashing",
        "database", "database-ca-file", "database-password-file", "database-pool-size", "no-migrate",
        "region-key", "peer-ca-file",
    ]

    /// Resolves every setting.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the setting at fault.
    public init(resolving sources: SettingSources) throws(TetherError) {
        // A misspelt key in the config file would otherwise be ignored without a word.
        if let unknown = sources.file.keys.sorted().first(where: { !Self.keys.contains($0) && $0 != "config" }) {
            throw .invalidField("config", "has an unknown setting '\(unknown)'")
        }
        var config = ServerConfig()
        if let host = sources.value("host") { config.host = host }
        if let port = sources.value("port") { config.port = try Self.integer(port, key: "port") }
        if let region = sources.value("region") { config.region = try RegionID(validating: region, field: "region") }
        if let ttl = sources.value("pairing-code-ttl") {
            config.pairingCodeLifetime = try Duration(setting: ttl, field: "pairing-code-ttl")
        }
        if let limit = sources.value("pairing-rate-limit") {
            config.pairingRateLimitPerHour = try Self.integer(limit, key: "pairing-rate-limit")
        }
        if let cost = sources.value("bcrypt-cost") { config.bcryptCost = try Self.integer(cost, key: "bcrypt-cost") }
        if let ttl = sources.value("access-token-ttl") {
            config.accessTokenLifetime = try Duration(setting: ttl, field: "access-token-ttl")
        }
        if let ttl = sources.value("refresh-token-ttl") {
            config.refreshTokenLifetime = try Duration(setting: ttl, field: "refresh-token-ttl")
        }
        if let limit = sources.value("sign-in-failure-limit") {
            config.signInFailureLimit = try Self.integer(limit, key: "sign-in-failure-limit")
        }
        if let window = sources.value("sign-in-failure-window") {
            config.signInFailureWindow = try Duration(setting: window, field: "sign-in-failure-window")
        }
        if let limit = sources.value("claim-failure-limit") {
            config.claimFailureLimit = try Self.integer(limit, key: "claim-failure-limit")
        }
        if let window = sources.value("claim-failure-window") {
            config.claimFailureWindow = try Duration(setting: window, field: "claim-failure-window")
        }
        if let bytes = sources.value("max-body-bytes") {
            config.maxBodyBytes = try Self.integer(bytes, key: "max-body-bytes")
        }
        if let past = sources.value("ts-max-past") {
            config.timestampWindow.maxPast = try Duration(optionalSetting: past, field: "ts-max-past")
        }
        if let future = sources.value("ts-max-future") {
            config.timestampWindow.maxFuture = try Duration(optionalSetting: future, field: "ts-max-future")
        }
        if let retention = sources.value("telemetry-retention") {
            config.telemetryRetention = try Duration(setting: retention, field: "telemetry-retention")
        }
        if let retention = sources.value("aggregate-retention") {
            config.aggregateRetention = try Duration(setting: retention, field: "aggregate-retention")
        }
        if let interval = sources.value("directory-sync-interval") {
            config.directorySyncInterval = try Duration(setting: interval, field: "directory-sync-interval")
        }
        if let retention = sources.value("directory-tombstone-retention") {
            config.directoryTombstoneRetention = try Duration(
                setting: retention,
                field: "directory-tombstone-retention"
            )
        }
        if let timeout = sources.value("peer-timeout") {
            config.peerTimeout = try Duration(setting: timeout, field: "peer-timeout")
        }
        if let deadline = sources.value("move-deadline") {
            config.moveDeadline = try Duration(setting: deadline, field: "move-deadline")
        }
        if let interval = sources.value("move-check-interval") {
            config.moveCheckInterval = try Duration(setting: interval, field: "move-check-interval")
        }
        try Self.resolveFrontDoor(sources, into: &config)
        if let clock = sources.value("clock") {
            guard let mode = AlertClockMode(rawValue: clock.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidField("clock", "must be wall or event-time")
            }
            config.alertClock = mode
        }
        if let targets = sources.value("webhook-targets") {
            guard let policy = WebhookTargetPolicy(rawValue: targets.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidField("webhook-targets", "must be public or any")
            }
            config.webhookTargets = policy
        }
        if let file = sources.value("regions") {
            do {
                config.regions = try RegionDirectory.load(from: URL(fileURLWithPath: file))
            } catch let error as TetherError {
                throw .invalidField("regions", "\(file): \(error.detail)")
            } catch {
                throw .invalidField("regions", "cannot read \(file): \(error.localizedDescription)")
            }
        }
        config.tlsCertificateFile = sources.value("tls-cert")
        config.tlsKeyFile = sources.value("tls-key")
        if let file = sources.value("peer-ca-file") {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw .invalidField("peer-ca-file", "cannot read \(file)")
            }
            config.peerCAFile = file
        }
        if let proxies = sources.value("trusted-proxy") {
            config.trustedProxies = TrustedProxies(
                try proxies.split(separator: ",").map { block throws(TetherError) in
                    try IPNetwork(parsing: String(block), field: "trusted-proxy")
                }
            )
        }
        try Self.resolveAbuseBudgets(sources, into: &config)
        try config.validate()
        self.config = config
        let durability = sources.value("durability")?.trimmingCharacters(in: .whitespaces) ?? "process-crash"
        guard let durability = StoreDurability(rawValue: durability) else {
            throw .invalidField("durability", "must be process-crash or power-loss")
        }
        self.durability = durability
        self.dataDirectory = URL(fileURLWithPath: sources.value("data-dir") ?? "tether-data", isDirectory: true)
        self.kekFile = sources.value("kek-file").map { URL(fileURLWithPath: $0) }
        self.regionKeyFile =
            sources.value("region-key").map { URL(fileURLWithPath: $0) }
            ?? RegionKeyring.defaultFile(dataDirectory: self.dataDirectory)
        if let own = self.config.regions?.region(self.config.region), !own.keys.isEmpty {
            self.config.regionKeyring = try RegionKeyring.load(from: self.regionKeyFile)
        }
        try self.config.validatePeers()
        self.logLevel = sources.value("log-level") ?? "info"
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(self.logLevel) else {
            throw .invalidField("log-level", "must be one of \(levels.joined(separator: ", "))")
        }
        try self.resolveDatabase(sources)
    }

    /// The database: which one, how to reach it, and whether to migrate it at start.
    private mutating func resolveDatabase(_ sources: SettingSources) throws(TetherError) {
        self.database = try DatabaseSetting(sources.value("database"), dataDirectory: self.dataDirectory)
        self.databaseCAFile = sources.value("database-ca-file").map { URL(fileURLWithPath: $0) }
        if let file = sources.value("database-password-file") {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw .invalidField("database-password-file", "cannot read \(file)")
            }
            self.databasePassword = contents.trimmingCharacters(in: .newlines)
        } else {
            self.databasePassword = sources.environment["TETHER_DATABASE_PASSWORD"]
        }
        if let size = sources.value("database-pool-size") {
            self.databasePoolSize = try Self.integer(size, key: "database-pool-size")
            guard (1...1_000).contains(self.databasePoolSize) else {
                throw .invalidField("database-pool-size", "must be from 1 to 1000")
            }
        }
        self.migratesOnStart = !(try Self.boolean(sources.value("no-migrate") ?? "false", key: "no-migrate"))
    }

    /// The limits of the front door: bytes in flight, connections, timeouts, streams, metrics.
    private static func resolveFrontDoor(_ sources: SettingSources, into config: inout ServerConfig) throws(TetherError)
    {
        if let bytes = sources.value("max-bytes-in-flight") {
            config.maxBytesInFlight = try Self.integer(bytes, key: "max-bytes-in-flight")
        }
        if let count = sources.value("max-connections") {
            config.maxConnections = try Self.integer(count, key: "max-connections")
        }
        if let timeout = sources.value("idle-timeout") {
            config.idleTimeout = try Duration(setting: timeout, field: "idle-timeout")
        }
        if let timeout = sources.value("read-timeout") {
            config.readTimeout = try Duration(setting: timeout, field: "read-timeout")
        }
        if let count = sources.value("max-streams-per-account") {
            config.maxStreamsPerAccount = try Self.integer(count, key: "max-streams-per-account")
        }
        if let address = sources.value("metrics-listen") {
            let parts = address.trimmingCharacters(in: .whitespaces).split(
                separator: ":",
                omittingEmptySubsequences: false
            )
            guard parts.count >= 2, let port = Int(parts.last!), !parts.dropLast().joined(separator: ":").isEmpty else {
                throw .invalidField("metrics-listen", "must be HOST:PORT, like 127.0.0.1:9090")
            }
            var host = parts.dropLast().joined(separator: ":")
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            config.metricsListen = (host, port)
        }
    }

    /// The abuse budgets: failed sign-ins, registrations and unknown credentials per address;
    /// how cheap password hashing may be.
    private static func resolveAbuseBudgets(
        _ sources: SettingSources,
        into config: inout ServerConfig
    ) throws(TetherError) {
        if let limit = sources.value("sign-in-address-limit") {
            config.signInAddressLimit = try Self.integer(limit, key: "sign-in-address-limit")
        }
        if let limit = sources.value("sign-in-email-limit") {
            config.signInEmailLimit = try Self.integer(limit, key: "sign-in-email-limit")
        }
        if let limit = sources.value("registration-address-limit") {
            config.registrationAddressLimit = try Self.integer(limit, key: "registration-address-limit")
        }
        if let limit = sources.value("credential-failure-limit") {
            config.credentialFailureLimit = try Self.integer(limit, key: "credential-failure-limit")
        }
        if let window = sources.value("credential-failure-window") {
            config.credentialFailureWindow = try Duration(setting: window, field: "credential-failure-window")
        }
        if let insecure = sources.value("insecure-fast-password-hashing") {
            config.insecureFastPasswordHashing = try Self.boolean(insecure, key: "insecure-fast-password-hashing")
        }
    }

    private static func boolean(_ text: String, key: String) throws(TetherError) -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off", "": return false
        default: throw .invalidField(key, "must be true or false")
        }
    }

    private static func integer(_ text: String, key: String) throws(TetherError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidField(key, "must be a whole number")
        }
        return value
    }
}
