import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The webhook queue as the deliverer reads it.
@Suite("Webhook outbox")
struct WebhookOutboxTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func oneAccountsBacklogDoesNotFillTheDueList(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let hook = try #require(URL(string: "https://example.org/hook"))
            var queued: [AccountID: [AlertID]] = [:]
            for (email, count) in [("ada@example.org", 6), ("bob@example.org", 1)] {
                let account = try await fixtures.account(email)
                let device = try await fixtures.device(for: account)
                _ = try await store.setWebhook(
                    WebhookEndpoint(url: hook, secret: "s3cret", createdAt: Times.start),
                    account: account.id
                )
                for index in 0..<count {
                    var alert = AlertStoreTests.alert(device, rule: "anti_lost_\(index)")
                    // Ada's backlog is older than Bob's alert.
                    alert.createdAt = Times.at(TimeInterval(email.hasPrefix("ada") ? index : 100))
                    let stored = try #require(try await fixtures.raise(alert))
                    queued[account.id, default: []].append(stored.id)
                }
            }
            let ada = try #require(queued.first { $0.value.count == 6 }?.value)
            let bob = try #require(queued.first { $0.value.count == 1 }?.value)

            let due = try await store.dueWebhookDeliveries(now: Times.at(3_600), limit: 3, perAccount: 2)
            #expect(due.map(\.alert.id) == Array(ada.prefix(2)) + bob)
            let all = try await store.dueWebhookDeliveries(now: Times.at(3_600), limit: 100, perAccount: 100)
            #expect(all.map(\.alert.id) == ada + bob)
        }
    }
}
