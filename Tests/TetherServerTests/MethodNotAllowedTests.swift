import Foundation
import Testing
import TetherCore
import TetherServer
import TetherTesting

/// A method a path does not declare answers `405 method_not_allowed` with `Allow` (issue 17,
/// the fuzzed contract: 28 undeclared methods answered 404).
struct MethodNotAllowedTests {
    @Test(arguments: [
        ("TRACE", "/health", "GET"),
        ("DELETE", "/v1/devices", "GET"),
        ("POST", "/v1/devices/dev_unknown", "DELETE, GET, PATCH"),
        ("PUT", "/v1/devices/claim", "POST"),
        ("GET", "/v1/telemetry", "POST"),
        ("PATCH", "/v1/backup/chunks/\(String(repeating: "a", count: 64))", "GET, PUT"),
        ("OPTIONS", "/v1/account", "DELETE, GET"),
    ])
    func anUndeclaredMethodIsNotAllowed(method: String, path: String, allow: String) async throws {
        try await TestServer.withRunning(connection: .socket) { server in
            let response = try await server.raw(method, path)
            #expect(response.status == 405)
            #expect(response.header("Allow") == allow)
            #expect(response.header("Content-Type") == "application/problem+json")
            let problem = try #require(response.problem)
            #expect(problem.code == "method_not_allowed")
            #expect(problem.status == 405)
        }
    }

    @Test
    func anUndeclaredPathIsStillNotFound() async throws {
        try await TestServer.withRunning(connection: .socket) { server in
            for (method, path) in [("GET", "/v1/nothing"), ("TRACE", "/v1/devices/one/two/three"), ("GET", "/")] {
                let response = try await server.raw(method, path)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.header("Allow") == nil)
                #expect(response.problem?.code == "not_found")
            }
        }
    }

    @Test
    func aDeclaredMethodsOwnNotFoundIsKept() async throws {
        try await TestServer.withRunning(connection: .socket) { server in
            let user = try await server.register()
            let response = try await server.raw("GET", "/v1/devices/dev_unknown", token: user.accessToken)
            #expect(response.status == 404)
            #expect(response.problem?.field == "deviceId")
        }
    }
}
