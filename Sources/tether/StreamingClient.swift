import Foundation
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
        TetherClientFactory.client(serverURL: serverURL, tokens: tokens, transport: AsyncHTTPClientTransport())
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
