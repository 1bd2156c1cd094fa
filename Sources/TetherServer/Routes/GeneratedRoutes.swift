import HTTPTypes
import OpenAPIRuntime
import TetherCore

/// Registers the generated OpenAPI handlers, except the operations a hand-written route
/// serves (`"POST /v1/telemetry"`; see ``TelemetryRoute``).
final class GeneratedRoutes: ServerTransport {
    private let transport: any ServerTransport
    private let handWritten: Set<String>
    private var skipped: Set<String> = []
    /// Every operation the contract offered, as `"METHOD /path"`.
    private var offered: Set<String> = []

    /// The methods the contract declares for each of its paths, hand-written routes included.
    var declaredMethods: DeclaredMethods { DeclaredMethods(operations: self.offered) }

    init(transport: any ServerTransport, handWritten: Set<String>) {
        self.transport = transport
        self.handWritten = handWritten
    }

    func register(
        _ handler:
            @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                HTTPResponse, HTTPBody?
            ),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        let operation = "\(method.rawValue) \(path)"
        self.offered.insert(operation)
        guard !self.handWritten.contains(operation) else {
            self.skipped.insert(operation)
            return
        }
        try self.transport.register(handler, method: method, path: path)
    }

    /// Checks that the contract has every one of `operations` (`"METHOD /path"`), so a list kept
    /// beside it (``LargeBodyRoute/all``) cannot name a route that no longer exists.
    func verifyContractHas(_ operations: [String]) throws {
        let missing = Set(operations).subtracting(self.offered)
        guard missing.isEmpty else {
            throw TetherError(
                code: "route_mismatch",
                kind: .internal,
                detail: "The contract has no operation \(missing.sorted().joined(separator: ", "))."
            )
        }
    }

    /// Checks that every hand-written operation was offered and left out, so a change of the
    /// generated path cannot silently put the generated handler in front of the hand-written one.
    func verifyEveryHandWrittenOperationWasSkipped() throws {
        let missing = self.handWritten.subtracting(self.skipped)
        guard missing.isEmpty else {
            throw TetherError(
                code: "route_mismatch",
                kind: .internal,
                detail:
                    "The contract has no operation \(missing.sorted().joined(separator: ", ")) to leave to its hand-written route."
            )
        }
    }
}
