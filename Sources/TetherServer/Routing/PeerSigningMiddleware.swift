public import Crypto
public import Foundation
public import HTTPTypes
public import OpenAPIRuntime
public import TetherCore
import TetherSync

/// Who this region is to its peers: its id and, when its entry in the regions file lists keys,
/// the key its requests are signed with.
public struct PeerIdentity: Sendable {
    let region: RegionID
    /// `nil` for a region without keys (loopback deployments only): its requests carry the
    /// shared peer token instead of a signature.
    let signingKey: Curve25519.Signing.PrivateKey?
    let clock: @Sendable () -> Date

    /// `region`, signing with `signingKey` (none for a region without keys) at `clock`'s time.
    public init(
        region: RegionID,
        signingKey: Curve25519.Signing.PrivateKey?,
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.region = region
        self.signingKey = signingKey
        self.clock = clock
    }

    init(config: ServerConfig) {
        self.region = config.region
        self.signingKey = config.regionKeyring?.current.signing
        self.clock = config.clock
    }
}

/// Signs each request to the peer `receiver` as ``PeerRequestSignature`` describes: the body
/// is read whole to take its digest (peer bodies are held in memory anyway) and sent on as read.
public struct PeerSigningMiddleware: ClientMiddleware {
    let identity: PeerIdentity
    let receiver: RegionID

    /// Signs as `identity` for `receiver`.
    public init(identity: PeerIdentity, receiver: RegionID) {
        self.identity = identity
        self.receiver = receiver
    }

    public func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes = Data()
        if let body { bytes = try await Data(collecting: body, upTo: .max) }
        // The target as the peer receives it: the base URL's path, then the operation's.
        var prefix = baseURL.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        let claim = PeerRequestSignature.Claim(
            method: request.method.rawValue,
            target: prefix + (request.path ?? "/"),
            sender: self.identity.region,
            receiver: self.receiver,
            time: Int64(self.identity.clock().timeIntervalSince1970 * 1_000),
            nonce: PeerRequestSignature.makeNonce(),
            bodyDigest: PeerRequestSignature.digest(bytes)
        )
        var request = request
        for (name, value) in try PeerRequestSignature.headers(for: claim, signedWith: self.identity.signingKey) {
            if let field = HTTPField.Name(name) { request.headerFields[field] = value }
        }
        return try await next(request, body == nil ? nil : HTTPBody(bytes), baseURL)
    }
}
