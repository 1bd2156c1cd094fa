import HTTPTypes
import Hummingbird

/// Sets ``TetherRequestContext/clientAddress`` from the socket peer and, behind a trusted proxy,
/// `X-Forwarded-For` (``TrustedProxies``). The outermost middleware: everything after it, rate
/// limits and logs included, sees the same client address.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = TetherRequestContext

    let proxies: TrustedProxies

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard !self.proxies.networks.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = self.proxies.clientAddress(
            peer: context.peerAddress,
            forwardedFor: request.headers[values: Self.forwardedFor]
        )
        return try await next(request, context)
    }

    private static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
