public import Foundation
public import OpenAPIRuntime
import OpenAPIURLSession
public import TetherAPI

/// Makes clients of the region server API, generated from `protocols/openapi.yaml`.
///
/// Every error answer arrives as a thrown ``APIProblem``; ``TetherClientFailure/describe(_:serverURL:)``
/// turns any thrown error into one line for a person.
///
/// ```swift
/// let client = TetherClientFactory.client(serverURL: url, tokens: StaticToken(credential))
/// let me = try await client.getCallingDevice().ok.body.json
/// ```
public enum TetherClientFactory {
    /// A client of the server at `serverURL`, authenticating with `tokens` when given.
    ///
    /// URLSession, the default transport, hands a response body over on Linux only once it is
    /// complete; pass an AsyncHTTPClient `transport` for responses that stream (`GET /v1/alerts/stream`).
    ///
    /// `signing` runs last before the transport, on the request as it is sent (a peer region's
    /// request signature).
    public static func client(
        serverURL: URL,
        tokens: (any AccessTokenProvider)? = nil,
        transport: (any ClientTransport)? = nil,
        signing: (any ClientMiddleware)? = nil
    ) -> Client {
        var middlewares: [any ClientMiddleware] = []
        if let tokens {
            middlewares.append(BearerTokenMiddleware(provider: tokens))
        }
        middlewares.append(ProblemResponseMiddleware())
        if let signing { middlewares.append(signing) }
        return Client(
            serverURL: serverURL,
            configuration: .tether,
            transport: transport ?? URLSessionTransport(),
            middlewares: middlewares
        )
    }
}

/// Unwraps and describes errors thrown by generated clients.
public enum TetherClientFailure {
    /// The error underneath the runtime's `ClientError` wrapping.
    public static func underlying(_ error: any Error) -> any Error {
        if let clientError = error as? ClientError {
            return Self.underlying(clientError.underlyingError)
        }
        return error
    }

    /// The server's problem answer, if that is what `error` is.
    public static func problem(_ error: any Error) -> APIProblem? {
        Self.underlying(error) as? APIProblem
    }

    /// Whether the request never got an answer (refused connection, timeout, unknown host), so
    /// the server may not have seen it: what a client may queue and send later.
    public static func isUnreachable(_ error: any Error) -> Bool {
        Self.underlying(error) is URLError
    }

    /// One line for a person: the problem's detail, or what failed on the way to the server.
    public static func describe(_ error: any Error, serverURL: URL) -> String {
        let underlying = Self.underlying(error)
        if let problem = underlying as? APIProblem {
            return problem.description
        }
        if let urlError = underlying as? URLError {
            return "cannot reach the server at \(serverURL.absoluteString): \(urlError.localizedDescription)"
        }
        if underlying is DecodingError {
            return "the server at \(serverURL.absoluteString) sent a response this client cannot read"
        }
        return "request to \(serverURL.absoluteString) failed: \(underlying)"
    }
}
