import Crypto
public import Foundation
public import TetherCore

/// Checks that a peer request comes from the region it names (``PeerRequestSignature``), on the
/// receiving region's server.
///
/// Two steps, so the credential is checked before any work: ``verifyHeaders(_:)`` before the
/// body is read (the signature covers the body's digest, so a large body is read only for a
/// region that signed it), then ``verify(_:body:)`` with the body, which checks its digest and
/// admits the nonce once.
public struct PeerVerifier: Sendable {
    /// A request as the verifier reads it.
    public struct Request: Sendable {
        /// The HTTP method.
        public var method: String
        /// Path and query, as received.
        public var target: String
        /// The header's value by name, case-insensitive.
        public var header: @Sendable (String) -> String?
        /// The bearer token, if any: a keyless region's peer token.
        public var bearerToken: String?

        /// Creates a request.
        public init(
            method: String,
            target: String,
            bearerToken: String?,
            header: @escaping @Sendable (String) -> String?
        ) {
            self.method = method
            self.target = target
            self.bearerToken = bearerToken
            self.header = header
        }
    }

    /// The receiving region.
    public let region: RegionID
    public let directory: RegionDirectory
    /// How far a request's time may be from the receiver's clock, either way.
    public let window: Duration
    let replays: PeerReplayGuard
    let clock: @Sendable () -> Date

    /// A verifier for requests to `region`, accepting times `window` either side of `clock`.
    public init(
        region: RegionID,
        directory: RegionDirectory,
        window: Duration = .seconds(60),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.region = region
        self.directory = directory
        self.window = window
        self.replays = PeerReplayGuard(window: window)
        self.clock = clock
    }

    /// Whether `request` claims to be a peer request (it names a sending region or a protocol).
    public static func isPeerRequest(_ request: Request) -> Bool {
        request.header(PeerRequestSignature.Header.region) != nil
            || request.header(PeerRequestSignature.Header.protocolVersion) != nil
    }

    /// Why a request that is not a peer request is refused at a peer endpoint: the shared peer
    /// token alone is how protocol 1 called (`400 peer_protocol_unsupported`); anything else is
    /// `401 peer_unauthenticated`.
    public static func unsignedRefusal(bearerToken: String?) -> TetherError {
        bearerToken?.hasPrefix("tpr_") == true
            ? .peerProtocolUnsupported(nil) : .peerUnauthenticated("it is not a signed peer request")
    }

    /// Checks the protocol, the sender, the time and the signature; not the body or the nonce.
    ///
    /// - Throws: `400 peer_protocol_unsupported` for another protocol version (the peer token
    ///   alone is protocol 1); `401 peer_unauthenticated` naming what does not check out.
    public func verifyHeaders(_ request: Request) throws(TetherError) -> PeerRequestSignature.Claim {
        guard Self.isPeerRequest(request) else { throw Self.unsignedRefusal(bearerToken: request.bearerToken) }
        let version = request.header(PeerRequestSignature.Header.protocolVersion)
        guard version == String(PeerRequestSignature.protocolVersion) else {
            throw .peerProtocolUnsupported(version)
        }
        guard let name = request.header(PeerRequestSignature.Header.region),
            let sender = RegionID(rawValue: name), let entry = self.directory.region(sender), sender != self.region
        else { throw .peerUnauthenticated("the sending region is not a peer in the regions file") }
        guard let timeText = request.header(PeerRequestSignature.Header.time), let time = Int64(timeText),
            let nonce = request.header(PeerRequestSignature.Header.nonce), !nonce.isEmpty, nonce.utf8.count <= 64,
            let digest = request.header(PeerRequestSignature.Header.bodyDigest), digest.utf8.count == 64
        else { throw .peerUnauthenticated("the time, nonce or body digest header is missing or malformed") }
        let now = Int64(self.clock().timeIntervalSince1970 * 1_000)
        guard abs(now - time) <= Int64(self.window / .milliseconds(1)) else {
            throw .peerUnauthenticated("its time is more than \(self.window) from this region's clock")
        }
        let claim = PeerRequestSignature.Claim(
            method: request.method,
            target: request.target,
            sender: sender,
            receiver: self.region,
            time: time,
            nonce: nonce,
            bodyDigest: digest
        )
        if entry.keys.isEmpty {
            // A region without keys (loopback only, refused at start otherwise) proves only that
            // it holds the directory's shared key.
            guard let token = request.bearerToken, ConstantTime.equal(token, self.directory.key.peerToken) else {
                throw .peerUnauthenticated("region \(sender) has no keys and the peer token does not match")
            }
            return claim
        }
        guard let signatureText = request.header(PeerRequestSignature.Header.signature),
            let signature = Data(base64Encoded: signatureText)
        else { throw .peerUnauthenticated("it is not signed") }
        let message = PeerRequestSignature.message(claim)
        guard entry.keys.contains(where: { $0.isValidSignature(signature, of: message) }) else {
            throw .peerUnauthenticated("the signature is not by a key the regions file lists for \(sender)")
        }
        return claim
    }

    /// Checks the headers, that `body` is the one signed, and that the nonce is new; returns the
    /// sending region.
    ///
    /// - Throws: as ``verifyHeaders(_:)``; `401 peer_unauthenticated` for another body or a
    ///   nonce seen before.
    public func verify(_ request: Request, body: some DataProtocol) throws(TetherError) -> RegionID {
        let claim = try self.verifyHeaders(request)
        guard PeerRequestSignature.digest(body) == claim.bodyDigest else {
            throw .peerUnauthenticated("the body is not the one signed")
        }
        let now = Int64(self.clock().timeIntervalSince1970 * 1_000)
        guard self.replays.admit(sender: claim.sender, nonce: claim.nonce, signedAt: claim.time, now: now) else {
            throw .peerUnauthenticated("its nonce was used before (a replay)")
        }
        return claim.sender
    }
}
