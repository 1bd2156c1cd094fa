import AsyncHTTPClient
public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// An HTTP proxy on 127.0.0.1 in front of one server, that can lose answers: the request
/// reaches the server and is carried out, but its client gets `502 Bad Gateway` instead of the
/// answer, as when a connection drops after the server replied. It can also hold requests
/// before they go on (``Admission``, e.g. through a ``TestGate``), so a test can stop a client
/// process at a request it chooses.
///
/// ```swift
/// let proxy = try await ForwardingProxy.start(port: 8083, upstream: server, losesAnswer: { $0 == "/v1/ping" })
/// defer { proxy.stop() }
/// ```
public final class ForwardingProxy: Sendable {
    /// `http://127.0.0.1:PORT`, where clients send what `upstream` should receive.
    public let baseURL: URL
    private let services: ServiceGroup

    private init(baseURL: URL, services: ServiceGroup) {
        self.baseURL = baseURL
        self.services = services
    }

    /// Starts a proxy on `port` (0: any free one) forwarding to `upstream`.
    ///
    /// - Parameters:
    ///   - losesAnswer: Picks the paths whose answers are lost (the request is carried out).
    ///   - admit: Decides, once a request's body has arrived, whether it goes on; the request
    ///     waits while it decides.
    ///   - answered: Told the path of each request the upstream server answered.
    public static func start(
        port: Int,
        upstream: URL,
        losesAnswer: @escaping @Sendable (String) -> Bool = { _ in false },
        admit: @escaping @Sendable (String) async -> Admission = { _ in .forward },
        answered: @escaping @Sendable (String) async -> Void = { _ in }
    ) async throws -> ForwardingProxy {
        var logger = Logger(label: "tether.test-proxy")
        logger.logLevel = .warning
        let router = Router()
        router.add(middleware: Admitting(admit: admit, answered: answered))
        router.add(middleware: Forwarding(upstream: upstream, losesAnswer: losesAnswer))
        let (bound, sink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                sink.yield(channel.localAddress?.port ?? 0)
                sink.finish()
            },
            logger: logger
        )
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        // Its connections are child tasks of the service group, so they run on an executor of
        // their own: a loaded test process cannot keep a region's peer call waiting.
        let executor = DedicatedExecutor(label: "tether.test-proxy")
        Task(executorPreference: executor) {
            // A proxy that fails to start reports no port: the wait below ends either way.
            try? await services.run()
            sink.finish()
        }
        var ports = bound.makeAsyncIterator()
        guard let listening = await ports.next(), listening > 0, port == 0 || listening == port else {
            await services.triggerGracefulShutdown()
            throw TestServerError.didNotStart
        }
        return ForwardingProxy(baseURL: URL(string: "http://127.0.0.1:\(listening)")!, services: services)
    }

    /// Stops listening (in the background: the caller need not wait).
    public func stop() {
        Task { [services] in await services.triggerGracefulShutdown() }
    }
}

/// Sends every request on to the upstream server and its answer back, unless the answer is
/// to be lost.
private struct Forwarding: RouterMiddleware {
    typealias Context = BasicRequestContext

    let upstream: URL
    let losesAnswer: @Sendable (String) -> Bool

    /// Hop-by-hop and length headers, which the proxy's own connections set.
    private static let ownHeaders: Set<String> = ["host", "connection", "content-length", "transfer-encoding"]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let body = try await request.body.collect(upTo: 512 << 20)
        var forwarded = HTTPClientRequest(url: self.upstream.absoluteString + request.uri.description)
        forwarded.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.ownHeaders.contains(field.name.canonicalName) {
            forwarded.headers.add(name: field.name.rawName, value: field.value)
        }
        if body.readableBytes > 0 { forwarded.body = .bytes(body) }
        // AsyncHTTPClient, not URLSession: URLSession on Linux can fail a request on a kept-alive
        // connection the server has just closed, and a proxy error is not what tests are about.
        let answer = try await HTTPClient.shared.execute(forwarded, timeout: .minutes(5))
        let data = try await answer.body.collect(upTo: 512 << 20)
        guard !self.losesAnswer(request.uri.path) else {
            return Response(status: .badGateway)
        }
        var headers = HTTPFields()
        for header in answer.headers where !Self.ownHeaders.contains(header.name.lowercased()) {
            if let field = HTTPField.Name(header.name) { headers.append(HTTPField(name: field, value: header.value)) }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: data))
    }
}
