import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Supplies the bearer token for requests and renews it when the server says it expired.
public protocol AccessTokenProvider: Sendable {
    /// The token to send, or `nil` to send none.
    func accessToken() async throws -> String?
    /// Called once when the server refused the token (`token_expired` or `unauthenticated`);
    /// returns whether a new token is ready.
    func renewAccessToken() async throws -> Bool
}

/// A fixed token that cannot be renewed (device credentials, operator tokens).
public struct StaticToken: AccessTokenProvider {
    let token: String

    /// Sends `token` with every request.
    public init(_ token: String) {
        self.token = token
    }

    public func accessToken() async throws -> String? { self.token }
    public func renewAccessToken() async throws -> Bool { false }
}

/// Adds `Authorization: Bearer …` and, when the server refuses the access token (expired, or
/// already rotated by another client of the same session), renews it once and retries.
struct BearerTokenMiddleware: ClientMiddleware {
    let provider: any AccessTokenProvider

    /// The problem codes after which a renewed token may succeed.
    static let renewable: Set<String> = ["token_expired", "unauthenticated"]

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(try await self.authorized(request), body, baseURL)
        } catch  where Self.renewable.contains(TetherClientFailure.problem(error)?.code ?? "") {
            guard try await self.provider.renewAccessToken() else { throw error }
            return try await next(try await self.authorized(request), body, baseURL)
        }
    }

    private func authorized(_ request: HTTPRequest) async throws -> HTTPRequest {
        var request = request
        if let token = try await self.provider.accessToken() {
            request.headerFields[.authorization] = "Bearer \(token)"
        }
        return request
    }
}
