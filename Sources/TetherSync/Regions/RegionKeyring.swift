public import Crypto
public import Foundation
public import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A region's private keys: the file `--region-key` names (default `<data-dir>.region-key`,
/// beside the data directory, mode 0600), made by `tetherd region-key init`.
///
/// It holds the region's id and its key pairs, newest first. The newest signs; after
/// `tetherd region-key rotate` the older pairs stay, so data keys peers sealed to an older HPKE
/// key still open, until the regions file no longer lists them (``keeping(listed:)``).
///
/// ```json
/// {"region": "eu", "keys": [{"signing_key": "<base64>", "hpke_key": "<base64>"}]}
/// ```
public struct RegionKeyring: Sendable {
    /// One generation of the region's keys.
    public struct Pair: Sendable {
        /// The Ed25519 key requests and records are signed with.
        public let signing: Curve25519.Signing.PrivateKey
        /// The X25519 key data keys sealed to this region open with.
        public let agreement: Curve25519.KeyAgreement.PrivateKey

        /// A new random pair.
        public static func generate() -> Pair {
            Pair(signing: Curve25519.Signing.PrivateKey(), agreement: Curve25519.KeyAgreement.PrivateKey())
        }

        /// The public halves, as the regions file lists them.
        public var publicKeys: RegionPublicKeys {
            // Both are keys of their kind by construction.
            try! RegionPublicKeys(
                signingKey: self.signing.publicKey.rawRepresentation,
                hpkeKey: self.agreement.publicKey.rawRepresentation
            )
        }
    }

    /// The region the keys belong to.
    public let region: RegionID
    /// The pairs, newest first; never empty.
    public let pairs: [Pair]

    /// The pair that signs.
    public var current: Pair { self.pairs[0] }

    /// A keyring of `pairs`, newest first.
    public init(region: RegionID, pairs: [Pair]) {
        precondition(!pairs.isEmpty, "a region keyring holds at least one pair")
        self.region = region
        self.pairs = pairs
    }

    /// The default file for a data directory: a sibling named `<data-dir>.region-key`, outside
    /// the directory, so a copy of the data directory does not carry the region's identity.
    public static func defaultFile(dataDirectory: URL) -> URL {
        URL(fileURLWithPath: dataDirectory.standardizedFileURL.path + ".region-key")
    }

    /// The same region with a new pair in front; the older pairs stay for verification.
    public func rotated() -> RegionKeyring {
        RegionKeyring(region: self.region, pairs: [.generate()] + self.pairs)
    }

    /// The keyring without the older pairs `listed` (the region's keys in the regions file) no
    /// longer names; the newest pair always stays.
    public func keeping(listed: [RegionPublicKeys]) -> RegionKeyring {
        let kept = self.pairs.dropFirst().filter { listed.contains($0.publicKeys) }
        return RegionKeyring(region: self.region, pairs: [self.current] + kept)
    }

    /// What to paste into the region's entry of the regions file, as JSON: the newest public
    /// keys, and the older ones under `previous_keys` (peers accept signatures of every key
    /// listed).
    public var listingJSON: String {
        var fields: [String: Any] = self.current.publicKeys.entryFields
        let previous = self.pairs.dropFirst().map(\.publicKeys.entryFields)
        if !previous.isEmpty { fields["previous_keys"] = previous }
        // Strings, arrays and objects of strings always encode.
        let data = try! JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: The file

    private struct File: Codable {
        var region: String
        var keys: [KeyPairFields]
    }

    /// Reads the keyring at `file`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `region-key` when the file is missing,
    ///   unreadable or malformed.
    public static func load(from file: URL) throws(TetherError) -> RegionKeyring {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw .invalidField("region-key", "cannot read \(file.path) (make it with `tetherd region-key init`)")
        }
        guard let decoded = try? JSONDecoder().decode(File.self, from: data), !decoded.keys.isEmpty,
            let region = RegionID(rawValue: decoded.region)
        else { throw .invalidField("region-key", "\(file.path) is not a region key file") }
        var pairs: [Pair] = []
        for entry in decoded.keys {
            guard let signing = Data(base64Encoded: entry.signingKey).flatMap(Self.signingKey),
                let agreement = Data(base64Encoded: entry.hpkeKey).flatMap(Self.agreementKey)
            else { throw .invalidField("region-key", "\(file.path) holds a key that is not one") }
            pairs.append(Pair(signing: signing, agreement: agreement))
        }
        return RegionKeyring(region: region, pairs: pairs)
    }

    /// Writes the keyring to `file` whole (mode 0600).
    public func write(to file: URL) throws(TetherError) {
        let document = File(
            region: self.region.rawValue,
            keys: self.pairs.map { pair in
                KeyPairFields(
                    signingKey: pair.signing.rawRepresentation.base64EncodedString(),
                    hpkeKey: pair.agreement.rawRepresentation.base64EncodedString()
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding strings cannot fail.
        let data = try! encoder.encode(document)
        try DurableFile.writeSecret(Array(data) + [0x0A], to: file, field: "region-key")
    }

    /// Whether a file exists at `file`.
    public static func exists(at file: URL) -> Bool {
        access(file.path, F_OK) == 0
    }

    private static func signingKey(_ raw: Data) -> Curve25519.Signing.PrivateKey? {
        try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    private static func agreementKey(_ raw: Data) -> Curve25519.KeyAgreement.PrivateKey? {
        try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }
}
