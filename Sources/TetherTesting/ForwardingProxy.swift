public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
        Task {
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
        var forwarded = URLRequest(url: URL(string: self.upstream.absoluteString + request.uri.description)!)
        forwarded.httpMethod = request.method.rawValue
        for field in request.headers where !Self.ownHeaders.contains(field.name.canonicalName) {
            forwarded.addValue(field.value, forHTTPHeaderField: field.name.rawName)
        }
        if body.readableBytes > 0 { forwarded.httpBody = Data(body.readableBytesView) }
        let (data, answer) = try await URLSession.shared.data(for: forwarded)
        guard !self.losesAnswer(request.uri.path), let answer = answer as? HTTPURLResponse else {
            return Response(status: .badGateway)
        }
        var headers = HTTPFields()
        for case (let name as String, let value as String) in answer.allHeaderFields
        where !Self.ownHeaders.contains(name.lowercased()) {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(
            status: .init(code: answer.statusCode),
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
