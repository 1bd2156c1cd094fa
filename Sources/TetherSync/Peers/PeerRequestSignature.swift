public import Crypto
public import Foundation
public import TetherCore

/// How one region server proves to another which region it is (peer protocol 2,
/// `protocols/sync.md`, "Peer authentication").
///
/// Every peer request carries the protocol version, the sending region, the time it was signed,
/// a random nonce and the SHA-256 of its body, in headers, and an Ed25519 signature by the
/// sender's region key over those and the method, the request target and the receiving region
/// (``message(_:)``). The receiver checks the signature against the keys the regions file lists
/// for the sender, refuses a time outside a short window, and refuses a nonce it has seen
/// (``PeerReplayGuard``). Naming the receiver in what is signed keeps a request signed for one
/// region from being replayed at another.
public enum PeerRequestSignature {
    /// The peer protocol this build speaks.
    public static let protocolVersion = 2

    /// The header names.
    public enum Header {
        /// `Tether-Peer-Protocol`: the peer protocol version (`2`).
        public static let protocolVersion = "Tether-Peer-Protocol"
        /// `Tether-Peer-Region`: the sending region's id.
        public static let region = "Tether-Peer-Region"
        /// `Tether-Peer-Time`: when it was signed, in milliseconds since 1970 (UTC).
        public static let time = "Tether-Peer-Time"
        /// `Tether-Peer-Nonce`: 16 random bytes, base64url, never used twice.
        public static let nonce = "Tether-Peer-Nonce"
        /// `Tether-Peer-Body-Digest`: SHA-256 of the body, lower-case hex (of no bytes for none).
        public static let bodyDigest = "Tether-Peer-Body-Digest"
        /// `Tether-Peer-Signature`: the Ed25519 signature of ``message(_:)``, base64.
        public static let signature = "Tether-Peer-Signature"
    }

    /// What a signature covers, besides the signature itself.
    public struct Claim: Sendable, Hashable {
        /// The HTTP method (`PUT`).
        public var method: String
        /// The request target as the receiver sees it: path and query.
        public var target: String
        /// The sending region.
        public var sender: RegionID
        /// The receiving region.
        public var receiver: RegionID
        /// When it was signed, in milliseconds since 1970.
        public var time: Int64
        /// The request's nonce.
        public var nonce: String
        /// SHA-256 of the body, lower-case hex.
        public var bodyDigest: String

        /// Creates a claim.
        public init(
            method: String,
            target: String,
            sender: RegionID,
            receiver: RegionID,
            time: Int64,
            nonce: String,
            bodyDigest: String
        ) {
            self.method = method
            self.target = target
            self.sender = sender
            self.receiver = receiver
            self.time = time
            self.nonce = nonce
            self.bodyDigest = bodyDigest
        }
    }

    /// The bytes signed: a line naming the protocol, then the claim's fields, one per line.
    public static func message(_ claim: Claim) -> Data {
        let lines = [
            "tether peer request v\(Self.protocolVersion)", claim.method, claim.target, claim.sender.rawValue,
            claim.receiver.rawValue, String(claim.time), claim.nonce, claim.bodyDigest,
        ]
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// SHA-256 of `body`, lower-case hex.
    public static func digest(_ body: some DataProtocol) -> String {
        Hex.string(SHA256.hash(data: body))
    }

    /// A new nonce: 16 random bytes, base64url without padding.
    public static func makeNonce() -> String {
        let bytes = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The headers of a request `claim` describes, signed with `key` (a keyless region sends
    /// them unsigned, with its peer token).
    public static func headers(
        for claim: Claim,
        signedWith key: Curve25519.Signing.PrivateKey?
    ) throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            (Header.protocolVersion, String(Self.protocolVersion)),
            (Header.region, claim.sender.rawValue),
            (Header.time, String(claim.time)),
            (Header.nonce, claim.nonce),
            (Header.bodyDigest, claim.bodyDigest),
        ]
        if let key {
            headers.append((Header.signature, try key.signature(for: Self.message(claim)).base64EncodedString()))
        }
        return headers
    }
}
