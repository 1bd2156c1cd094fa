import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// One ``AlertStore/recordAlertChanges(_:)`` call applies its changes in order, each seeing the
/// ones before it, as the alert engine sends them: a tick's raises and ends of many rules.
@Suite("Alert changes in one call")
struct AlertChangeBatchTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func eachChangeSeesTheOnesBeforeIt(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let account = try await fixtures.account()
            let device = try await fixtures.device(for: account)
            let hook = try #require(URL(string: "https://example.org/hook"))
            _ = try await store.setWebhook(
                WebhookEndpoint(url: hook, secret: "s3cret", createdAt: Times.start),
                account: account.id
            )
            let first = AlertStoreTests.alert(device, episodeStart: 1_000, decidedAt: 1_000)
            let replay = AlertStoreTests.alert(device, episodeStart: 2_000, decidedAt: 2_000)
            let second = AlertStoreTests.alert(device, episodeStart: 4_000, decidedAt: 4_000)
            let silenced = AlertStoreTests.alert(device, rule: "keep_in_home", suppressedBy: "dnd:night")
            var press = AlertStoreTests.alert(device, rule: "sos", episodeStart: 5_000, decidedAt: 5_000)
            press.kind = .sos
            var nextPress = AlertStoreTests.alert(device, rule: "sos", episodeStart: 6_000, decidedAt: 6_000)
            nextPress.kind = .sos
            let firstAgain = AlertStoreTests.alert(device, episodeStart: 1_000, decidedAt: 1_000)

            let results = try await store.recordAlertChanges([
                .raise(first),
                // The rule's episode is open: a replay dating it differently is the same episode.
                .raise(replay),
                .end(device: device.id, rule: "anti_lost", episodeStart: 1_000, endedAt: 3_000),
                // Ended by the change before: the rule may open another.
                .raise(second),
                .raise(silenced),
                .end(device: device.id, rule: "keep_in_school", episodeStart: 1_000, endedAt: 3_000),
                // Every press of the emergency button is an alert of its own.
                .raise(press),
                .raise(nextPress),
                // Its episode is stored already.
                .raise(firstAgain),
            ])

            var ended = first
            ended.endedAt = 3_000
            #expect(results == [first, nil, ended, second, silenced, nil, press, nextPress, nil])
            let listed = try await store.alerts(account: account.id, device: device.id, limit: 100)
            #expect(Set(listed) == [ended, second, silenced, press, nextPress])
            // The webhook gets the stored alerts nobody silenced.
            let queued = try await store.dueWebhookDeliveries(now: Times.at(3_600), limit: 100, perAccount: 100)
            #expect(Set(queued.map(\.alert.id)) == [first.id, second.id, press.id, nextPress.id])
        }
    }
}
