import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A TCP connection to a server on 127.0.0.1 that sends exactly the bytes a test writes: half a
/// request head, a body that stops, a length it never sends. What arrives back is collected as
/// it comes, so a test can look at it without blocking and wait for it with ``Poll``.
///
/// ```swift
/// let connection = try await RawConnection.open(port: server.port)
/// try await connection.send("POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999\r\n\r\n")
/// let head = try await connection.responseHead()  // "HTTP/1.1 413 Content Too Large\r\n…"
/// ```
public final class RawConnection: Sendable {
    private let channel: any Channel
    private let recorder: Recorder

    private init(channel: any Channel, recorder: Recorder) {
        self.channel = channel
        self.recorder = recorder
    }

    /// Connects to `port` on 127.0.0.1.
    public static func open(port: Int) async throws -> RawConnection {
        let recorder = Recorder()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(recorder) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawConnection(channel: channel, recorder: recorder)
    }

    /// An HTTP/1.1 request head for `method path` with `headers` (and `Host`), ready to be
    /// followed by its body: `RawConnection.head("GET", "/health")`.
    public static func head(_ method: String, _ path: String, _ headers: [String: String] = [:]) -> String {
        let lines = headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)\r\n" }.joined()
        return "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(lines)\r\n"
    }

    /// Sends `text` as UTF-8.
    public func send(_ text: String) async throws {
        try await self.send(Array(text.utf8))
    }

    /// Sends `bytes`.
    public func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Everything received so far, as text.
    public var received: String {
        self.recorder.state.withLock { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// Whether the server has closed the connection.
    public var isClosed: Bool {
        self.recorder.state.withLock { $0.closed }
    }

    /// Waits until a whole response head has arrived (or the connection closed) and returns it.
    public func responseHead() async throws -> String {
        try await Poll.value("a response head arrives") { () -> String? in
            let text = self.received
            if let end = text.range(of: "\r\n\r\n") { return String(text[..<end.upperBound]) }
            return self.isClosed ? text : nil
        }
    }

    /// Waits until the server closes the connection.
    public func waitUntilClosed() async throws {
        try await Poll.until("the server closes the connection") { self.isClosed }
    }

    /// Closes the connection.
    public func close() async {
        try? await self.channel.close()
    }

    /// Collects what arrives.
    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state = Mutex((bytes: [UInt8](), closed: false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = Self.unwrapInboundIn(data)
            self.state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.state.withLock { $0.closed = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
