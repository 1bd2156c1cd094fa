import Foundation
import Testing
import TetherCore
import TetherServer
import TetherStore
import TetherTesting

/// A pass of the webhook deliverer reads the due deliveries, then starts them: an attempt that
/// ended in between (its 200 recorded) is still in what the pass read, and must not be posted
/// again by that pass.
struct WebhookFlightsTests {
    @Test func anAttemptThatEndedDuringThePassIsNotStartedAgainByIt() async throws {
        let flights = WebhookFlights(perAccount: 2, total: 8)
        let gate = TestGate<Int> { _, _ in true }
        let delivery = Self.delivery()

        flights.beginPass()
        #expect(flights.start(delivery) { _ = await gate.pass(1) })
        #expect(!flights.start(delivery) {}, "under way")
        try await gate.wait { $0.held.count == 1 }
        await gate.release()
        await flights.settle()
        #expect(flights.count == 0)
        // The same pass, working through the queue it read before the attempt ended.
        #expect(!flights.start(delivery) {}, "ended during this pass")
        // The next pass reads the queue anew.
        flights.beginPass()
        #expect(flights.start(delivery) {})
        await flights.settle()
    }

    private static func delivery() -> WebhookDelivery {
        let alert = Alert(
            device: DeviceID(rawValue: "device"),
            account: AccountID(rawValue: "account"),
            kind: .sos,
            rule: "sos",
            episodeStart: 0,
            decidedAt: 0,
            reason: "SOS",
            createdAt: Date(timeIntervalSince1970: 0)
        )
        let endpoint = WebhookEndpoint(
            url: URL(string: "https://hooks.example.org/tether")!,
            secret: "whsec_test",
            createdAt: Date(timeIntervalSince1970: 0)
        )
        return WebhookDelivery(alert: alert, endpoint: endpoint, attempts: 0)
    }
}
