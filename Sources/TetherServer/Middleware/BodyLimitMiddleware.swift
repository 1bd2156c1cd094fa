import HTTPTypes
import Hummingbird
import NIOCore
import TetherCore

/// Refuses request bodies over `maxBytes` with `413 body_too_large` before any handler reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > self.maxBytes {
            throw TetherError.bodyTooLarge(limitBytes: self.maxBytes)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: self.maxBytes)
        } catch is NIOTooManyBytesError {
            throw TetherError.bodyTooLarge(limitBytes: self.maxBytes)
        }
        return try await next(request, context)
    }
}
