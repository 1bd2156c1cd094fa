import HTTPTypes
import Hummingbird

extension ForwardingProxy {
    /// What the proxy does with a request whose body has arrived.
    public enum Admission: Sendable {
        /// Sends it on to the upstream server.
        case forward
        /// Answers `status` itself; the upstream server never sees the request.
        case refuse(status: Int)
    }
}

/// Holds each request, once its body has arrived, until the test admits it (a request whose
/// client dies before that never goes on), and tells the test when the upstream server answered.
struct Admitting: RouterMiddleware {
    typealias Context = BasicRequestContext

    let admit: @Sendable (String) async -> ForwardingProxy.Admission
    let answered: @Sendable (String) async -> Void

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        request.body = RequestBody(buffer: try await request.body.collect(upTo: 512 << 20))
        if case .refuse(let status) = await self.admit(request.uri.path) {
            return Response(status: .init(code: status))
        }
        let response = try await next(request, context)
        await self.answered(request.uri.path)
        return response
    }
}
