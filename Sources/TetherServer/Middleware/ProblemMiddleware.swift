import Hummingbird
import Logging
import OpenAPIRuntime
import TetherCore

/// Turns every error thrown below it into an `application/problem+json` response, logging
/// unexpected ones with the request id. Nothing else in the server renders errors.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (tetherError, isExpected) = ErrorTranslation.translate(error)
            if isExpected {
                context.logger.debug("request failed", metadata: ["tether.error.code": "\(tetherError.code)"])
            } else {
                // Only the cause: the runtime's wrapper would also print the decoded input (passwords).
                let cause = (error as? ServerError)?.underlyingError ?? error
                context.logger.error("request failed unexpectedly", metadata: ["error": "\(String(reflecting: cause))"])
            }
            return tetherError.problemResponse()
        }
    }
}
