import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import TetherCore
import TetherStore

/// Posts queued alerts to their account's webhook, signed with ``WebhookSigner``, retrying with
/// exponential backoff until the receiver answers 2xx.
///
/// A delivery is queued once per alert, with the alert, and removed for good after a 2xx answer,
/// so a receiver that answers 2xx gets an alert once (`Tether-Alert-Id` names it; a crash between
/// the answer and the removal is the one case that sends it again, with the same id).
struct WebhookDeliverer: Sendable {
    let outbox: any WebhookOutbox
    let interval: Duration
    /// The first retry waits this long; each next one twice as long, at most an hour.
    let backoffBase: Duration
    /// Attempts before a delivery is dropped (logged).
    let maxAttempts: Int
    /// Which hosts may be posted to (checked again at delivery: the setting may have changed).
    let targets: WebhookTargetPolicy
    /// Accounts moving away: their deliveries wait (they move with the account), and a move
    /// waits for the deliveries under way, so none is sent by both homes.
    let moves: AccountMoves
    let clock: @Sendable () -> Date
    let logger: Logger
    /// No redirects: a receiver must not send the post on to a host the policy refuses.
    private let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(redirectConfiguration: .disallow)
    )

    private static let delivered = Counter(label: "tether_webhook_deliveries", dimensions: [("outcome", "delivered")])
    private static let failed = Counter(label: "tether_webhook_deliveries", dimensions: [("outcome", "failed")])

    /// The `webhook-deliverer` job: a pass over the due deliveries every ``interval``; the HTTP
    /// client shuts down with it.
    func job(clock: any Clock<Duration>) -> PeriodicJob {
        PeriodicJob(
            name: BackgroundJobs.Name.webhookDeliverer.rawValue,
            schedule: .every(self.interval),
            clock: clock,
            logger: self.logger,
            tearDown: { try? await self.client.shutdown() },
            pass: { try await self.deliverDue() }
        )
    }

    /// Makes one attempt at every delivery that is due, up to 8 at once, so one slow receiver
    /// does not hold up the others.
    func deliverDue() async throws {
        let due = try await self.outbox.dueWebhookDeliveries(now: self.clock(), limit: 100)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, delivery) in due.enumerated() {
                if index >= 8 { try await group.next() }
                group.addTask { try await self.deliver(delivery) }
            }
            try await group.waitForAll()
        }
    }

    private func deliver(_ delivery: WebhookDelivery) async throws {
        guard self.moves.admitWrite(delivery.alert.account) else { return }
        defer { self.moves.finishWrite(delivery.alert.account) }
        let body = try AlertPayload.webhookBody(delivery.alert)
        let timestamp = Int64(self.clock().timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.endpoint.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "tetherd/\(TetherVersion.current)")
        request.headers.add(name: "Tether-Alert-Id", value: delivery.alert.id.rawValue)
        request.headers.add(
            name: WebhookSigner.headerName,
            value: WebhookSigner.signature(body: body, secret: delivery.endpoint.secret, timestamp: timestamp)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        let problem: String
        guard self.targets.allows(host: delivery.endpoint.url.host ?? "") else {
            try await self.outbox.failWebhookDelivery(alert: delivery.alert.id, error: "host refused", next: nil)
            return
        }
        do {
            let response = try await self.client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if (200..<300).contains(response.status.code) {
                try await self.complete(delivery)
                Self.delivered.increment()
                return
            }
            problem = "HTTP \(response.status.code)"
        } catch {
            problem = "\(error)"
        }
        Self.failed.increment()
        let attempt = delivery.attempts + 1
        let next: Date? =
            attempt >= self.maxAttempts
            ? nil
            : self.clock().addingTimeInterval(
                min(3_600, self.backoffBase.timeInterval * Double(1 << min(attempt - 1, 20)))
            )
        self.logger.warning(
            next == nil ? "webhook delivery dropped" : "webhook delivery failed",
            metadata: [
                "tether.alert.id": "\(delivery.alert.id)", "tether.webhook.attempt": "\(attempt)",
                "error": "\(problem)",
            ]
        )
        try await self.outbox.failWebhookDelivery(alert: delivery.alert.id, error: problem, next: next)
    }

    /// Records a 2xx, trying a few times: a delivery left queued would be posted again.
    private func complete(_ delivery: WebhookDelivery) async throws {
        for attempt in 1...5 {
            do {
                return try await self.outbox.completeWebhookDelivery(alert: delivery.alert.id)
            } catch  where attempt < 5 {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }
}
