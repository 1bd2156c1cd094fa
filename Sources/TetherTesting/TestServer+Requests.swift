public import Foundation
public import HTTPTypes
import HummingbirdTesting
import NIOCore
public import OpenAPIRuntime

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension TestServer {
    /// How a test's requests reach a ``TestServer``.
    public enum Connection: Sendable {
        /// Over a TCP socket on 127.0.0.1: what streams, body limits, gzip, slow clients, the
        /// CLI binaries and a client's address need.
        case socket
        /// Straight into the application (HummingbirdTesting's router client): the same
        /// middleware, routes and store, without a socket; the request has no client address.
        case inProcess
    }

    /// Sends one request as it is (for bodies and headers the generated client would not
    /// produce) and returns the answer with its whole body.
    public func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        headers: HTTPFields = [:],
        body: Data? = nil
    ) async throws -> (HTTPResponse, Data) {
        switch self.requests {
        case .router(let client):
            let response = try await client.executeRequest(
                uri: path,
                method: method,
                headers: headers,
                body: body.map { ByteBuffer(bytes: $0) }
            )
            return (response.head, Data(response.body.readableBytesView))
        case .socket:
            // URLSession, as the generated client's default transport: it sends a large body
            // with `Expect: 100-continue`, as most HTTP clients do.
            var request = URLRequest(url: URL(string: self.baseURL.absoluteString + path)!)
            request.httpMethod = method.rawValue
            for field in headers { request.addValue(field.value, forHTTPHeaderField: field.name.rawName) }
            request.httpBody = body
            let (data, answer) = try await URLSession.shared.data(for: request)
            guard let http = answer as? HTTPURLResponse else { throw TestServerError.didNotStart }
            var fields = HTTPFields()
            for case (let name as String, let value as String) in http.allHeaderFields {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return (HTTPResponse(status: .init(code: http.statusCode), headerFields: fields), data)
        }
    }

    /// The transport for the generated client: straight into the application, or `nil` for the
    /// client's default (URLSession over the socket).
    public var transport: (any ClientTransport)? {
        switch self.requests {
        case .router(let client): InProcessTransport(client: client)
        case .socket: nil
        }
    }
}

/// Where a ``TestServer``'s requests go.
enum TestServerRequests: Sendable {
    case socket
    case router(any TestClientProtocol)
}

/// The generated client's transport over HummingbirdTesting's router client.
struct InProcessTransport: ClientTransport {
    let client: any TestClientProtocol

    func send(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: ByteBuffer?
        if let body { bytes = ByteBuffer(bytes: try await Data(collecting: body, upTo: 512 << 20)) }
        let response = try await self.client.executeRequest(
            uri: request.path ?? "/",
            method: request.method,
            headers: request.headerFields,
            body: bytes
        )
        return (response.head, HTTPBody(Array(response.body.readableBytesView)))
    }
}
