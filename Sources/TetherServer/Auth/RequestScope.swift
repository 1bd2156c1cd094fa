import HTTPTypes
import Logging
import TetherCore

/// What a handler may know about the request it serves: the generated OpenAPI handlers get no
/// Hummingbird context, so ``RequestScopeMiddleware`` binds this task-local around each request.
struct RequestScope: Sendable {
    /// The bearer token from the `Authorization` header, if any.
    var bearerToken: String?
    /// The request's logger, carrying `hb.request.id`.
    var logger: Logger
    /// The client's IP address.
    var clientAddress: String?
    /// The writes this request was admitted for; `nil` for a read (`GET`, `HEAD`), which an
    /// account move need not wait for.
    var writes: RequestWrites?
    /// The peer region the request proved to come from (``PeerAuthenticationMiddleware``).
    var peer: RegionID?

    @TaskLocal static var current = RequestScope(
        bearerToken: nil,
        logger: Logger(label: "tether.server"),
        clientAddress: nil
    )

    init(bearerToken: String?, logger: Logger, clientAddress: String?) {
        self.bearerToken = bearerToken
        self.logger = logger
        self.clientAddress = clientAddress
    }

    init(method: HTTPRequest.Method, headers: HTTPFields, logger: Logger, clientAddress: String?) {
        let authorization = headers[.authorization] ?? ""
        let prefix = "Bearer "
        let token = authorization.hasPrefix(prefix) ? String(authorization.dropFirst(prefix.count)) : nil
        self.init(bearerToken: token.flatMap { $0.isEmpty ? nil : $0 }, logger: logger, clientAddress: clientAddress)
        if method != .get && method != .head {
            self.writes = RequestWrites()
        }
    }
}
