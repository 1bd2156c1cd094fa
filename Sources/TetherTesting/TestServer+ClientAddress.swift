public import Foundation
public import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

extension TestServer {
    /// Sends one request over a new connection made from the loopback address `source` (any
    /// of 127.0.0.0/8 on Linux, e.g. `127.0.0.2`), so the server sees that client address
    /// rather than 127.0.0.1: for what the server keeps per client address. Socket servers only.
    ///
    /// ```swift
    /// let (response, body) = try await server.send(.post, "/v1/sessions", body: json, from: "127.0.0.2")
    /// ```
    public func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        headers: HTTPFields = [:],
        body: Data? = nil,
        from source: String
    ) async throws -> (HTTPResponse, Data) {
        guard self.connection == .socket else { throw TestServerError.noSocket }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: self.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel
                    )
                }
            }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(self.port)")
        head.headers.add(name: "Connection", value: "close")
        for field in headers { head.headers.add(name: field.name.rawName, value: field.value) }
        if let body { head.headers.add(name: "Content-Length", value: "\(body.count)") }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var answer: HTTPResponseHead?
            var data = Data()
            reading: for try await part in inbound {
                switch part {
                case .head(let head): answer = head
                case .body(let buffer): data.append(contentsOf: buffer.readableBytesView)
                case .end: break reading
                }
            }
            guard let answer else { throw TestServerError.noSocket }
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return (HTTPResponse(status: .init(code: Int(answer.status.code)), headerFields: fields), data)
        }
    }
}
