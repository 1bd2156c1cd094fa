import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherClient
import TetherCore

/// Connections for responses that stream for as long as they are read (`GET /v1/alerts/stream`)
/// and for large bodies (`backup`).
///
/// Every command sends through AsyncHTTPClient, which passes each chunk on as it arrives; a
/// streaming connection's client also waits out a server that is briefly unreachable
/// (``ConnectionSecurity/streamingClient(serverURL:tokens:)``), with the same bearer-token
/// renewal and problem answers as every other command.
enum StreamingClient {
    /// A connection to `connection`'s server for streams, signed in with `tokens`.
    static func connection(_ connection: ServerConnection, tokens: any AccessTokenProvider) throws -> ServerConnection {
        ServerConnection(
            serverURL: connection.serverURL,
            client: try connection.security.streamingClient(serverURL: connection.serverURL, tokens: tokens),
            security: connection.security
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
        return TransportFailure.cliError(underlying, serverURL: serverURL)
            ?? CLIError("cannot reach the server at \(serverURL.absoluteString): \(underlying)")
    }
}
