import HTTPTypes
import Hummingbird
import NIOCore
import TetherCore

/// Refuses request bodies over `maxBytes` with `413 body_too_large` before any handler reads them.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int
    /// Paths (by prefix) allowed a larger body than ``maxBytes``: backup manifests.
    var larger: [(pathPrefix: String, maxBytes: Int)] = []

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let larger = self.larger.first { path.hasPrefix($0.pathPrefix) }?.maxBytes ?? 0
        let maxBytes = max(larger, self.maxBytes)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw TetherError.bodyTooLarge(limitBytes: maxBytes)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw TetherError.bodyTooLarge(limitBytes: maxBytes)
        }
        return try await next(request, context)
    }
}
