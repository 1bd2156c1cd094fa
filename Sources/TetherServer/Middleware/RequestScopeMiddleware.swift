import HTTPTypes
import Hummingbird

/// Binds ``RequestScope`` (bearer token, request logger, writes) for the handlers below it and echoes
/// the request id in `X-Request-Id`. A credential another region issued is sent home here with
/// `421 wrong_region`, before any route runs: every endpoint, telemetry included.
struct RequestScopeMiddleware: RouterMiddleware {
    typealias Context = TetherRequestContext

    let routing: RegionRouting
    /// Finishes the writes a request was admitted for when it ends, however it ends.
    let moves: AccountMoves

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let scope = RequestScope(
            method: request.method,
            headers: request.headers,
            logger: context.logger,
            clientAddress: context.clientAddress
        )
        defer { scope.writes?.finish(in: self.moves) }
        if let token = scope.bearerToken {
            try await self.routing.requireIssuedHere(SecretToken(text: token))
        }
        var response = try await RequestScope.$current.withValue(scope) {
            try await next(request, context)
        }
        if let name = HTTPField.Name("X-Request-Id") {
            response.headers[name] = context.id
        }
        return response
    }
}
