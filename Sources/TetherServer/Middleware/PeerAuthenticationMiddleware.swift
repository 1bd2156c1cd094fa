import HTTPTypes
import Hummingbird
import Logging
import TetherCore
import TetherSync

/// Verifies the peer requests (``PeerVerifier``): a request that names a sending region runs
/// on only when its signature, time, nonce and body check out, with the region in
/// ``RequestScope/peer`` for the handlers; ``TetherAPIHandler/requirePeer()`` refuses any other
/// request at a peer endpoint.
///
/// Runs after ``BodyLimitMiddleware``, which holds the body in memory: the signature covers
/// its digest.
struct PeerAuthenticationMiddleware: RouterMiddleware {
    typealias Context = TetherRequestContext

    let verifier: PeerVerifier

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let peerRequest = PeerVerifier.Request(request, bearerToken: RequestScope.current.bearerToken)
        guard PeerVerifier.isPeerRequest(peerRequest) else { return try await next(request, context) }
        var request = request
        let body = try await request.collectBody(upTo: .max)
        let sender = try self.verifier.verify(peerRequest, body: body.readableBytesView)
        var scope = RequestScope.current
        scope.peer = sender
        scope.logger[metadataKey: "tether.peer"] = "\(sender)"
        return try await RequestScope.$current.withValue(scope) { try await next(request, context) }
    }
}

extension PeerVerifier.Request {
    /// The verifier's view of a Hummingbird request.
    init(_ request: Request, bearerToken: String?) {
        let headers = request.headers
        self.init(
            method: request.method.rawValue,
            target: request.head.path ?? "/",
            bearerToken: bearerToken,
            header: { name in HTTPField.Name(name).flatMap { headers[$0] } }
        )
    }
}
