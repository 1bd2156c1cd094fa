import Crypto
import Foundation
public import TetherCore

/// A high-entropy bearer secret (256 random bits, base64url) with a kind prefix, stored only
/// as its SHA-256 digest. Looking one up costs one hash and one indexed read: microseconds.
public struct SecretToken: Sendable, Hashable {
    /// What a token grants; its prefix makes a leaked token recognisable.
    public enum Kind: String, Sendable {
        /// An account access token.
        case access = "tat"
        /// An account refresh token.
        case refresh = "trt"
        /// A device credential.
        case deviceCredential = "tdc"
        /// An operator token.
        case `operator` = "top"
        /// A webhook signing secret (kept in the store as it is: the server signs with it).
        case webhookSecret = "whsec"
    }

    /// The token as given to its holder, e.g. `tat_3q…`.
    public let text: String

    /// A new random token of `kind`; a token issued for an account or a device names its
    /// `region` (`tat_eu_3q…`), so any region server can send its holder home.
    public static func generate(_ kind: Kind, region: RegionID? = nil) -> SecretToken {
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let scope = region.map { "\($0.rawValue)_" } ?? ""
        return SecretToken(text: "\(kind.rawValue)_\(scope)\(encoded)")
    }

    /// The region a token names after its kind prefix, when it names one (`eu` in `tat_eu_3q…`).
    /// The random part can also hold `_`, so only a known region counts: `isRegion` says which.
    public func region(where isRegion: (RegionID) -> Bool) -> RegionID? {
        let parts = self.text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let region = RegionID(rawValue: String(parts[1])), isRegion(region) else { return nil }
        return region
    }

    /// Wraps a token a caller presented.
    public init(text: String) {
        self.text = text
    }

    /// The SHA-256 digest (lower-case hex) under which the token is stored.
    public var digest: String { Self.digest(of: self.text) }

    /// The SHA-256 digest (lower-case hex) of `text`.
    public static func digest(of text: String) -> String {
        let digest = SHA256.hash(data: Array(text.utf8))
        let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: SHA256.byteCount * 2) { buffer in
            var index = 0
            for byte in digest {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Whether the token carries `kind`'s prefix.
    public func hasKind(_ kind: Kind) -> Bool {
        self.text.hasPrefix(kind.rawValue + "_")
    }
}
