public import Foundation
public import TetherCore

/// Where a `tetherd` setting can come from, highest precedence first: a command-line flag, a
/// `TETHER_*` environment variable, the config file (`--config FILE`, JSON), the default.
///
/// Keys are the flag names without dashes (`pairing-code-ttl`); the environment variable is
/// `TETHER_` + the key upper-cased with `_` for `-` (`TETHER_PAIRING_CODE_TTL`); the config file
/// uses the key itself: `{"port": 9090, "pairing-code-ttl": "5m"}`.
public struct SettingSources: Sendable {
    /// Values given as flags, by key.
    public var flags: [String: String]
    /// The process environment.
    public var environment: [String: String]
    /// Values read from the config file, by key.
    public var file: [String: String]

    /// Creates the sources.
    public init(flags: [String: String] = [:], environment: [String: String] = [:], file: [String: String] = [:]) {
        self.flags = flags
        self.environment = environment
        self.file = file
    }

    /// The environment variable that sets `key`.
    public static func environmentName(for key: String) -> String {
        "TETHER_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    /// The value of `key` from the highest-precedence source that has it.
    public func value(_ key: String) -> String? {
        self.flags[key] ?? self.environment[Self.environmentName(for: key)] ?? self.file[key]
    }

    /// Reads a JSON config file: one object whose values are strings, numbers or booleans.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `config` when the file is unreadable.
    public static func readConfigFile(at url: URL) throws(TetherError) -> [String: String] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        } catch {
            throw .invalidField("config", "cannot read \(url.path) as a JSON object")
        }
        guard let dictionary = object as? [String: Any] else {
            throw .invalidField("config", "\(url.path) must hold one JSON object")
        }
        var values: [String: String] = [:]
        for (key, value) in dictionary {
            switch value {
            case let string as String: values[key] = string
            case let number as NSNumber: values[key] = number.stringValue
            default: throw .invalidField("config", "the value of \(key) in \(url.path) must be a string or a number")
            }
        }
        return values
    }
}

/// All settings of `tetherd serve`, resolved from ``SettingSources``.
public struct ServerSettings: Sendable {
    /// The server configuration.
    public var config: ServerConfig
    /// Where the SQLite database and keys live. Default `./tether-data`.
    public var dataDirectory: URL
    /// The log level. Default `info`.
    public var logLevel: String

    /// The keys ``init(resolving:)`` reads, in the order the README lists them.
    public static let keys = [
        "host", "port", "region", "data-dir", "pairing-code-ttl", "pairing-rate-limit", "bcrypt-cost",
        "access-token-ttl", "refresh-token-ttl", "sign-in-failure-limit", "sign-in-failure-window",
        "max-body-bytes", "log-level",
    ]

    /// Resolves every setting.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the setting at fault.
    public init(resolving sources: SettingSources) throws(TetherError) {
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
        if let bytes = sources.value("max-body-bytes") {
            config.maxBodyBytes = try Self.integer(bytes, key: "max-body-bytes")
        }
        try config.validate()
        self.config = config
        self.dataDirectory = URL(fileURLWithPath: sources.value("data-dir") ?? "tether-data", isDirectory: true)
        self.logLevel = sources.value("log-level") ?? "info"
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(self.logLevel) else {
            throw .invalidField("log-level", "must be one of \(levels.joined(separator: ", "))")
        }
    }

    private static func integer(_ text: String, key: String) throws(TetherError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidField(key, "must be a whole number")
        }
        return value
    }
}
