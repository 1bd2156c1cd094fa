import Hummingbird
import TetherCore

/// Answers a request the router found no route for with `405 method_not_allowed` and `Allow`
/// when its path is one the contract declares, just not for this method; any other unmatched
/// request stays `404`.
///
/// Added after every route, so the router puts it only in front of its not-found answer.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let declared: DeclaredMethods

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router's own "no route" is an HTTPError; handlers throw TetherError.
            guard let allowed = self.declared.allowed(for: request.uri.path), !allowed.contains(request.method.rawValue)
            else { throw error }
            throw TetherError.methodNotAllowed(request.method.rawValue, allowed: allowed)
        }
    }
}
