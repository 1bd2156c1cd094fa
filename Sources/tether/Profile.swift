import Foundation

/// The saved session in `$XDG_CONFIG_HOME/tether/config.json` (else `~/.config/tether/config.json`),
/// readable only by its owner (mode 0600).
struct Profile: Codable, Sendable {
    var server: String?
    var accountId: String?
    var email: String?
    var region: String?
    var accessToken: String?
    var accessExpiresAt: Date?
    var refreshToken: String?
    var refreshExpiresAt: Date?
    /// The CA file given at the last login (`--ca-file`), trusted by later commands.
    var caFile: String?

    enum CodingKeys: String, CodingKey {
        case server, email, region
        case caFile = "ca_file"
        case accountId = "account_id"
        case accessToken = "access_token"
        case accessExpiresAt = "access_expires_at"
        case refreshToken = "refresh_token"
        case refreshExpiresAt = "refresh_expires_at"
    }

    /// The profile file's location.
    static var fileURL: URL {
        let environment = ProcessInfo.processInfo.environment
        let base: URL
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            base = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config", isDirectory: true)
        }
        return base.appendingPathComponent("tether", isDirectory: true).appendingPathComponent("config.json")
    }

    /// The saved profile, or an empty one when there is none.
    /// The lock `tether` processes of this profile take to renew its session one at a time.
    static var sessionLockURL: URL {
        Self.fileURL.deletingLastPathComponent().appendingPathComponent("session.lock")
    }

    static func load() throws -> Profile {
        let url = Self.fileURL
        guard FileManager.default.fileExists(atPath: url.path) else { return Profile() }
        do {
            return try JSONDecoder.tether.decode(Profile.self, from: Data(contentsOf: url))
        } catch {
            throw CLIError("cannot read the profile at \(url.path); remove it and log in again")
        }
    }

    /// Writes the profile with mode 0600 (its directory 0700), atomically.
    func save() throws {
        try PrivateFile.write(try JSONEncoder.tether.encode(self), to: Self.fileURL, what: "the profile")
    }

    /// Forgets the signed-in session, keeping the server and the CA it is trusted by.
    mutating func signOut() {
        self = Profile(server: self.server, caFile: self.caFile)
    }
}

extension JSONEncoder {
    /// Sorted keys, ISO 8601 dates in UTC: the CLI's JSON.
    static var tether: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension JSONDecoder {
    /// ISO 8601 dates.
    static var tether: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
