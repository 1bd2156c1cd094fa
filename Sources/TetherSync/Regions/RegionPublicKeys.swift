public import Crypto
public import Foundation
public import TetherCore

/// A region's public keys, as its entry in the regions file lists them (`signing_key`,
/// `hpke_key`, base64 of the raw 32-byte keys): the Ed25519 key its peer requests and directory
/// records are signed with, and the X25519 key account data keys are sealed to (HPKE) on their
/// way to it.
public struct RegionPublicKeys: Sendable, Hashable {
    /// The Ed25519 public key, raw (32 bytes).
    public let signingKey: Data
    /// The X25519 public key, raw (32 bytes).
    public let hpkeKey: Data

    /// Checks that both are keys of their kind.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`'s `signing_key` or `hpke_key`.
    public init(signingKey: Data, hpkeKey: Data, field: String = "region-key") throws(TetherError) {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: signingKey)) != nil else {
            throw .invalidField("\(field).signing_key", "must be an Ed25519 public key (32 bytes, base64)")
        }
        guard (try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: hpkeKey)) != nil else {
            throw .invalidField("\(field).hpke_key", "must be an X25519 public key (32 bytes, base64)")
        }
        self.signingKey = signingKey
        self.hpkeKey = hpkeKey
    }

    /// Reads the base64 texts of a regions file entry.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`'s `signing_key` or `hpke_key`.
    public init(signingKey: String, hpkeKey: String, field: String) throws(TetherError) {
        guard let signing = Data(base64Encoded: signingKey) else {
            throw .invalidField("\(field).signing_key", "must be base64")
        }
        guard let hpke = Data(base64Encoded: hpkeKey) else {
            throw .invalidField("\(field).hpke_key", "must be base64")
        }
        try self.init(signingKey: signing, hpkeKey: hpke, field: field)
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: Data, of message: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: self.signingKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// The X25519 key, for sealing to this region.
    public var agreementKey: Curve25519.KeyAgreement.PublicKey {
        // Checked in the initializer.
        try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: self.hpkeKey)
    }

    /// The JSON object a regions file entry carries: `{"signing_key": …, "hpke_key": …}`.
    public var entryFields: [String: String] {
        ["signing_key": self.signingKey.base64EncodedString(), "hpke_key": self.hpkeKey.base64EncodedString()]
    }
}

/// A key pair's two fields as the regions file and the key file spell them (`signing_key`,
/// `hpke_key`, base64): public keys in the one, private keys in the other.
struct KeyPairFields: Codable {
    var signingKey: String
    var hpkeKey: String

    enum CodingKeys: String, CodingKey {
        case signingKey = "signing_key"
        case hpkeKey = "hpke_key"
    }
}
