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
///
/// Each attempt is a task of its own (``WebhookFlights``): a pass starts the due deliveries that
/// have room, at most ``perAccountInFlight`` of one account and ``totalInFlight`` in all, and
/// waits for none of them, so a receiver that never answers holds up only its own account.
///
/// Before every attempt the URL is checked again (``WebhookTargetPolicy``): the host is resolved,
/// its addresses checked, and under `public` the post connects to the address checked, so a
/// name that resolves elsewhere a moment later (DNS rebinding) reaches nothing else. A target
/// refused then drops the delivery (logged); a host that does not resolve is retried.
/// AsyncHTTPClient takes the pin (`dnsOverride`, which keeps SNI and the certificate check on
/// the host name) per client, so each attempt has a client of its own, shut down after it: a
/// connection is not reused between attempts, which webhook traffic (one post per alert) does
/// not miss.
struct WebhookDeliverer: Sendable {
    let outbox: any WebhookOutbox
    let interval: Duration
    /// The first retry waits this long; each next one twice as long, at most an hour.
    let backoffBase: Duration
    /// Attempts before a delivery is dropped (logged).
    let maxAttempts: Int
    /// Which hosts may be posted to (checked again at delivery: the setting may have changed,
    /// and so may what the host resolves to).
    let targets: WebhookTargetPolicy
    /// Accounts moving away: their deliveries wait (they move with the account), and a move
    /// waits for the deliveries under way, so none is sent by both homes.
    let moves: AccountMoves
    let clock: @Sendable () -> Date
    let logger: Logger
    private let flights = WebhookFlights(perAccount: Self.perAccountInFlight, total: Self.totalInFlight)

    /// Attempts of one account under way at once.
    static let perAccountInFlight = 2
    /// Attempts under way at once in all.
    static let totalInFlight = 64
    /// How long an attempt waits for the receiver's answer.
    static let attemptTimeout: TimeAmount = .seconds(10)

    private static let delivered = Counter(label: "tether_webhook_deliveries", dimensions: [("outcome", "delivered")])
    private static let failed = Counter(label: "tether_webhook_deliveries", dimensions: [("outcome", "failed")])
    private static let refused = Counter(label: "tether_webhook_deliveries", dimensions: [("outcome", "refused")])

    /// The `webhook-deliverer` job: a pass every ``interval`` starts the due deliveries;
    /// ``PeriodicJob/runOnce()`` also waits for the attempts under way. Stopping cancels them.
    func job(clock: any Clock<Duration>) -> PeriodicJob {
        PeriodicJob(
            name: BackgroundJobs.Name.webhookDeliverer.rawValue,
            schedule: .every(self.interval),
            clock: clock,
            logger: self.logger,
            tearDown: { await self.flights.cancelAll() },
            settle: { await self.flights.settle() },
            pass: { try await self.startDue() }
        )
    }

    /// Starts an attempt at every due delivery that is not under way and has room.
    func startDue() async throws {
        self.flights.beginPass()
        let due = try await self.outbox.dueWebhookDeliveries(
            now: self.clock(),
            limit: 4 * Self.totalInFlight,
            perAccount: Self.perAccountInFlight
        )
        for delivery in due where self.flights.count < Self.totalInFlight {
            self.flights.start(delivery) { await self.attempt(delivery) }
        }
    }

    /// One attempt; what goes wrong is recorded on the delivery and logged.
    private func attempt(_ delivery: WebhookDelivery) async {
        do {
            try await self.deliver(delivery)
        } catch is CancellationError {
            return  // the server is stopping: the delivery stays queued as it was
        } catch {
            self.logger.error(
                "webhook delivery not recorded",
                metadata: ["tether.alert.id": "\(delivery.alert.id)", "error": "\(error)"]
            )
        }
    }

    private func deliver(_ delivery: WebhookDelivery) async throws {
        guard self.moves.admitWrite(delivery.alert.account) else { return }
        defer { self.moves.finishWrite(delivery.alert.account) }
        let target: WebhookTarget
        do throws(WebhookTargetPolicy.Refusal) {
            target = try await self.targets.target(for: delivery.endpoint.url)
        } catch .refused(let detail) {
            try Task.checkCancellation()
            Self.refused.increment()
            self.logger.warning(
                "webhook delivery refused",
                metadata: ["tether.alert.id": "\(delivery.alert.id)", "error": "\(detail)"]
            )
            try await self.outbox.failWebhookDelivery(alert: delivery.alert.id, error: detail, next: nil)
            return
        } catch .unresolved(let detail) {
            try Task.checkCancellation()
            try await self.failed(delivery, problem: detail)
            return
        }
        let problem: String
        do {
            let status = try await self.post(delivery, to: target)
            if (200..<300).contains(status) {
                try await self.complete(delivery)
                Self.delivered.increment()
                return
            }
            problem = "HTTP \(status)"
        } catch {
            try Task.checkCancellation()
            problem = "\(error)"
        }
        try await self.failed(delivery, problem: problem)
    }

    /// Posts the signed alert, connecting to `target`'s address; the receiver's status.
    private func post(_ delivery: WebhookDelivery, to target: WebhookTarget) async throws -> UInt {
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
        // No redirects: a receiver must not send the post on to a host the policy refuses.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.dnsOverride = target.dnsOverride
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await client.execute(request, timeout: Self.attemptTimeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            try? await client.shutdown()
            return response.status.code
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Records a failed attempt: retried after a backoff, or dropped after ``maxAttempts``.
    private func failed(_ delivery: WebhookDelivery, problem: String) async throws {
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
