import HTTPTypes
import Hummingbird

/// Binds ``RequestScope`` (bearer token, request logger) for the handlers below it and echoes
/// the request id in `X-Request-Id`.
struct RequestScopeMiddleware: RouterMiddleware {
    typealias Context = TetherRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let scope = RequestScope(headers: request.headers, logger: context.logger, clientAddress: context.clientAddress)
        var response = try await RequestScope.$current.withValue(scope) {
            try await next(request, context)
        }
        if let name = HTTPField.Name("X-Request-Id") {
            response.headers[name] = context.id
        }
        return response
    }
}
