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
