import HTTPTypes
import OpenAPIRuntime

/// Registers the generated OpenAPI handlers, except the operations a hand-written route
/// serves (`"POST /v1/telemetry"`; see ``TelemetryRoute``).
struct GeneratedRoutes: ServerTransport {
    let transport: any ServerTransport
    let handWritten: Set<String>

    func register(
        _ handler:
            @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard !self.handWritten.contains("\(method.rawValue) \(path)") else { return }
        try self.transport.register(handler, method: method, path: path)
    }
}
