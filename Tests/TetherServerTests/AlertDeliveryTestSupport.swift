import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
import TetherTesting

/// One server-sent event.
struct ReceivedEvent: Sendable {
    var event: String
    var id: String
    var data: String
}

/// Follows `GET /v1/alerts/stream` with AsyncHTTPClient (which hands the body over as it arrives)
/// and collects its events.
actor AlertStreamReader {
    private(set) var events: [ReceivedEvent] = []
    private(set) var isOpen = false
    private var task: Task<Void, any Error>?

    /// Opens the stream as the holder of `token`; returns once the server answered.
    func open(_ server: TestServer, token: String) async throws {
        var request = HTTPClientRequest(url: server.baseURL.absoluteString + "/v1/alerts/stream")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        // The deadline covers the whole body: a stream must outlast the slowest test on a loaded machine.
        let response = try await HTTPClient.shared.execute(request, timeout: .minutes(30))
        try #require(response.status == .ok)
        self.isOpen = true
        self.task = Task {
            var text = ""
            for try await chunk in response.body {
                text += String(buffer: chunk)
                while let end = text.range(of: "\n\n") {
                    let block = String(text[..<end.lowerBound])
                    text = String(text[end.upperBound...])
                    self.received(block)
                }
            }
            // Only an end the server wrote: a broken stream leaves `isOpen` set.
            self.closed()
        }
    }

    private func received(_ block: String) {
        var event = ReceivedEvent(event: "", id: "", data: "")
        for line in block.split(separator: "\n") {
            if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
            if line.hasPrefix("id: ") { event.id = String(line.dropFirst(4)) }
            if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
        }
        if !event.event.isEmpty { self.events.append(event) }
    }

    private func closed() { self.isOpen = false }

    /// Stops reading.
    func close() {
        self.task?.cancel()
    }
}

/// A webhook receiver on 127.0.0.1: records every post and answers with the statuses given, in
/// turn (the last one from then on). A receiver `holding` posts answers none of them until
/// ``release()`` (or until it stops): one whose owner's server hangs.
actor WebhookReceiver {
    struct Post: Sendable {
        var signature: String
        var alertID: String
        var body: Data
        var answered: Int
    }

    private(set) var posts: [Post] = []
    /// Posts that arrived, answered or not.
    private(set) var arrivals = 0
    private var statuses: [Int]
    private var holding: Bool
    private var held: [CheckedContinuation<Void, Never>] = []

    init(answering statuses: [Int], holding: Bool = false) {
        self.statuses = statuses
        self.holding = holding
    }

    /// A post arrived: returns when it may be answered.
    func arrived() async {
        self.arrivals += 1
        if self.holding { await withCheckedContinuation { self.held.append($0) } }
    }

    /// Answers the posts held, and every later one at once.
    func release() {
        self.holding = false
        for post in self.held { post.resume() }
        self.held = []
    }

    func record(signature: String, alertID: String, body: Data) -> Int {
        let status = self.statuses.count > 1 ? self.statuses.removeFirst() : self.statuses[0]
        self.posts.append(Post(signature: signature, alertID: alertID, body: body, answered: status))
        return status
    }

    /// Runs a receiver for the length of `body`, passing its URL (`http://127.0.0.1:PORT/hook`).
    static func withRunning<Result: Sendable>(
        answering statuses: [Int],
        holding: Bool = false,
        _ body: (WebhookReceiver, URL) async throws -> Result
    ) async throws -> Result {
        let receiver = WebhookReceiver(answering: statuses, holding: holding)
        let router = Router()
        router.post("/hook") { request, context -> Response in
            await receiver.arrived()
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = await receiver.record(
                signature: request.headers[.init("Tether-Signature")!] ?? "",
                alertID: request.headers[.init("Tether-Alert-Id")!] ?? "",
                body: Data(bytes.readableBytesView)
            )
            return Response(status: .init(code: status))
        }
        var logger = Logger(label: "tether.test-webhook")
        logger.logLevel = .warning
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                let result = try await body(receiver, URL(string: "http://127.0.0.1:\(port)/hook")!)
                await receiver.release()
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await receiver.release()
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
