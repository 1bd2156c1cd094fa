import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import TetherAPI
import TetherClient
import TetherCore

/// Clients for responses that stream for as long as they are read (`GET /v1/alerts/stream`).
///
/// ``TetherClientFactory`` sends through URLSession, which on Linux hands a response body over
/// only once it is complete; a stream never completes. This client sends through AsyncHTTPClient,
/// which passes each chunk on as it arrives, with the same bearer-token renewal and problem
/// answers as every other command.
enum StreamingClient {
    static func client(serverURL: URL, tokens: any AccessTokenProvider) -> Client {
        Client(
            serverURL: serverURL,
            configuration: .tether,
            transport: AsyncHTTPClientTransport(),
            middlewares: [StreamingBearerTokenMiddleware(provider: tokens), StreamingProblemMiddleware()]
        )
    }

    /// A failed request as one line: the server's problem, or why the server could not be reached.
    static func failure(_ error: any Error, serverURL: URL) -> CLIError {
        let underlying = TetherClientFailure.underlying(error)
        if let cliError = underlying as? CLIError { return cliError }
        if let problem = underlying as? APIProblem { return CLIError(problem.description, status: problem.status) }
        if underlying is DecodingError {
            return CLIError(TetherClientFailure.describe(error, serverURL: serverURL))
        }
        return CLIError("cannot reach the server at \(serverURL.absoluteString): \(underlying)")
    }
}

/// Sends the access token and, when the server refuses it as expired or unknown, renews it
/// once and retries, as TetherClient's own bearer middleware does.
private struct StreamingBearerTokenMiddleware: ClientMiddleware {
    let provider: any AccessTokenProvider

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(try await self.authorized(request), body, baseURL)
        } catch  where ["token_expired", "unauthenticated"].contains(TetherClientFailure.problem(error)?.code ?? "") {
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

/// Turns an error answer into a thrown ``APIProblem``, as TetherClient's clients do.
private struct StreamingProblemMiddleware: ClientMiddleware {
    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        var data: Data?
        if let responseBody {
            data = try? await Data(collecting: responseBody, upTo: 64 * 1024)
        }
        let problem =
            data.flatMap { try? JSONDecoder().decode(ProblemDetails.self, from: $0) }
            ?? ProblemDetails(
                type: "about:blank",
                title: response.status.reasonPhrase,
                status: response.status.code,
                detail: nil,
                code: "http_\(response.status.code)"
            )
        throw APIProblem(status: response.status.code, problem: problem)
    }
}
