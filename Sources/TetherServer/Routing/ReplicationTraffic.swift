import Foundation
import HTTPTypes
import Metrics
import OpenAPIRuntime
import Synchronization

/// The body bytes of the replication requests this region made and the answers it got: every
/// byte of anti-entropy passes through one region's client, so the sum over regions is the
/// traffic (headers aside).
final class ReplicationTraffic: Sendable {
    /// Request body bytes sent.
    let sent = Atomic<Int>(0)
    /// Response body bytes received.
    let received = Atomic<Int>(0)

    /// Bytes sent and received so far.
    var totals: (sent: Int, received: Int) {
        (self.sent.load(ordering: .relaxed), self.received.load(ordering: .relaxed))
    }

    /// Counts one exchange.
    func count(sent: Int, received: Int) {
        self.sent.add(sent, ordering: .relaxed)
        self.received.add(received, ordering: .relaxed)
        Counter(label: "tether_directory_bytes", dimensions: [("direction", "sent")]).increment(by: sent)
        Counter(label: "tether_directory_bytes", dimensions: [("direction", "received")]).increment(by: received)
    }
}

/// A transport that counts the replication operations' body bytes into a ``ReplicationTraffic``.
struct CountingTransport: ClientTransport {
    /// The operations counted: the summary walk, fetches and sends.
    static let counted: Set<String> = ["getDirectoryRangeSummary", "fetchDirectoryRecords", "applyDirectoryRecords"]

    let base: any ClientTransport
    let traffic: ReplicationTraffic

    func send(
        _ request: HTTPRequest,
        body: HTTPBody?,
        baseURL: URL,
        operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await self.base.send(
            request,
            body: body,
            baseURL: baseURL,
            operationID: operationID
        )
        guard Self.counted.contains(operationID) else { return (response, responseBody) }
        var sent = 0
        if case .known(let length) = body?.length { sent = Int(length) }
        var received = 0
        if let header = response.headerFields[.contentLength], let length = Int(header) {
            received = length
        } else if case .known(let length) = responseBody?.length {
            received = Int(length)
        }
        self.traffic.count(sent: sent, received: received)
        return (response, responseBody)
    }
}
