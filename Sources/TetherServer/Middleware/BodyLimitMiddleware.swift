import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import TetherCore

/// Reads each request body into memory under three limits, checked before any byte of it is
/// read: `--max-body-bytes` for every route but the few in ``largeBodyRoutes``; those only after
/// the route's credential was verified; and a cap on the bytes held across requests
/// (``BodyBudget``).
///
/// A declared length over the limit answers `413 body_too_large`; a body that grows past it while
/// read, too. A request that does not fit the budget answers `503 server_busy` with `Retry-After`.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The limit of every route not in ``largeBodyRoutes``.
    let maxBytes: Int
    /// The exact routes allowed more, each behind its credential.
    let largeBodyRoutes: [LargeBodyRoute]
    let budget: BodyBudget
    /// Throws unless the request carries `credential` (it reads ``RequestScope`` and the
    /// request's head; the body is not read yet).
    let verify: @Sendable (LargeBodyRoute.Credential, Request) async throws -> Void

    /// The bytes ``budget`` holds, as `tether_http_body_bytes_in_flight`.
    private let inFlight = Gauge(label: "tether_http_body_bytes_in_flight")

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        var limit = self.maxBytes
        if declared.map({ $0 > self.maxBytes }) ?? Self.mayHaveBody(request) {
            // More than everyone gets: only a large-body route, and only for its credential.
            if let route = self.largeBodyRoutes.first(where: {
                $0.matches(method: request.method, path: request.uri.path)
            }) {
                try await self.verify(route.credential, request)
                limit = min(route.maxBytes, self.budget.capacity)
            }
        }
        if let declared, declared > limit {
            throw TetherError.bodyTooLarge(limitBytes: limit)
        }
        guard Self.mayHaveBody(request) || declared.map({ $0 > 0 }) == true else {
            return try await next(request, context)
        }
        let reservation = declared ?? limit
        guard self.budget.reserve(reservation) else {
            throw TetherError.serverBusy(retryAfterSeconds: 1)
        }
        self.inFlight.record(self.budget.inFlight)
        defer {
            self.budget.release(reservation)
            self.inFlight.record(self.budget.inFlight)
        }
        var request = request
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw TetherError.bodyTooLarge(limitBytes: limit)
        }
        return try await next(request, context)
    }

    /// Whether a request without `Content-Length` may carry a body (`Transfer-Encoding: chunked`).
    private static func mayHaveBody(_ request: Request) -> Bool {
        request.headers[.transferEncoding] != nil
    }
}
