import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// Alerts are stored once per episode, per device, per rule.
@Suite("Alert store")
struct AlertStoreTests {
    static func alert(
        _ device: Device,
        rule: String = "anti_lost",
        episodeStart: Int64 = 1_000,
        decidedAt: Int64 = 1_000,
        suppressedBy: String? = nil
    ) -> Alert {
        Alert(
            device: device.id,
            account: device.owner,
            kind: rule.hasPrefix("keep_in") ? .keepIn : .antiLost,
            rule: rule,
            episodeStart: episodeStart,
            decidedAt: decidedAt,
            reason: "120 m from the owner's phone",
            fixes: [
                AlertFix(source: "device", time: decidedAt, latitude: 52.52, longitude: 13.405, accuracyMeters: 8),
                AlertFix(
                    source: "phone",
                    time: decidedAt - 500,
                    latitude: 52.521,
                    longitude: 13.406,
                    accuracyMeters: 5
                ),
            ],
            suppressedBy: suppressedBy,
            createdAt: Times.start
        )
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anEpisodeIsStoredOnceEvenWhenDecidedConcurrently(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let device = try await fixtures.device(for: try await fixtures.account())
            let stored = try await withThrowingTaskGroup(of: Alert?.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await fixtures.raise(Self.alert(device)) }
                }
                return try await group.reduce(into: [Alert]()) { if let alert = $1 { $0.append(alert) } }
            }
            #expect(stored.count == 1)
            let listed = try await store.alerts(account: device.owner, device: nil, limit: 100)
            #expect(listed == stored)
            // While the episode is open, the rule has no other: a replay dating it differently
            // is the same episode.
            #expect(try await fixtures.raise(Self.alert(device, episodeStart: 9_000, decidedAt: 9_000)) == nil)
            // Once it ended, another episode of the same rule, or another rule, is a new alert.
            let first = try #require(stored.first)
            _ = try await fixtures.end(
                device: device.id,
                rule: first.rule,
                episodeStart: first.episodeStart,
                endedAt: 8_000
            )
            #expect(try await fixtures.raise(Self.alert(device, episodeStart: 9_000, decidedAt: 9_000)) != nil)
            #expect(try await fixtures.raise(Self.alert(device, rule: "keep_in:home")) != nil)
            #expect(try await store.alerts(account: device.owner, device: device.id, limit: 100).count == 3)
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentEpisodesOfOneRuleOpenOnlyOne(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let device = try await fixtures.device(for: try await fixtures.account())
            try await fixtures.openEveryConnection()
            // Replays dating the episode differently, decided at once: the rule has one open alert.
            let stored = try await withThrowingTaskGroup(of: Alert?.self) { group in
                for index in 1...32 {
                    let start = Int64(index) * 1_000
                    group.addTask {
                        try await fixtures.raise(Self.alert(device, episodeStart: start, decidedAt: start))
                    }
                }
                return try await group.reduce(into: [Alert]()) { if let alert = $1 { $0.append(alert) } }
            }
            #expect(stored.count == 1)
            #expect(try await store.alerts(account: device.owner, device: device.id, limit: 100) == stored)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anEpisodeEndsOnceAndKeepsItsFixes(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let device = try await fixtures.device(for: try await fixtures.account())
            let alert = try #require(try await fixtures.raise(Self.alert(device, suppressedBy: "dnd:night")))
            let ended = try await fixtures.end(
                device: device.id,
                rule: "anti_lost",
                episodeStart: 1_000,
                endedAt: 5_000
            )
            #expect(ended?.endedAt == 5_000)
            #expect(ended?.fixes == alert.fixes)
            #expect(ended?.suppressedBy == "dnd:night")
            #expect(
                try await fixtures.end(
                    device: device.id,
                    rule: "anti_lost",
                    episodeStart: 1_000,
                    endedAt: 6_000
                ) == nil
            )
            #expect(
                try await fixtures.end(
                    device: device.id,
                    rule: "anti_lost",
                    episodeStart: 2_000,
                    endedAt: 6_000
                ) == nil
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func alertsAreScopedNewestFirstAndAcknowledgedOnce(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let grace = try await fixtures.account("grace@example.org")
            let tracker = try await fixtures.device(for: ada)
            let keys = try await fixtures.device(for: ada)
            let other = try await fixtures.device(for: grace)
            let first = try #require(
                try await fixtures.raise(Self.alert(tracker, episodeStart: 1_000, decidedAt: 1_000))
            )
            let second = try #require(try await fixtures.raise(Self.alert(keys, episodeStart: 2_000, decidedAt: 2_000)))
            _ = try await fixtures.raise(Self.alert(other))

            #expect(try await store.alerts(account: ada.id, device: nil, limit: 10).map(\.id) == [second.id, first.id])
            #expect(try await store.alerts(account: ada.id, device: tracker.id, limit: 10).map(\.id) == [first.id])
            #expect(try await store.alerts(account: ada.id, device: nil, limit: 1).map(\.id) == [second.id])

            #expect(try await store.acknowledgeAlert(id: first.id, account: grace.id, at: Times.at(10)) == nil)
            let acknowledged = try await store.acknowledgeAlert(id: first.id, account: ada.id, at: Times.at(10))
            #expect(acknowledged?.acknowledgedAt == Times.at(10))
            let again = try await store.acknowledgeAlert(id: first.id, account: ada.id, at: Times.at(20))
            #expect(again?.acknowledgedAt == Times.at(10))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func removingTheDeviceOrTheAccountRemovesItsAlerts(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let tracker = try await fixtures.device(for: ada)
            let keys = try await fixtures.device(for: ada)
            _ = try await fixtures.raise(Self.alert(tracker))
            _ = try await fixtures.raise(Self.alert(keys))

            _ = try await store.removeDevice(id: tracker.id, account: ada.id)
            #expect(try await store.alerts(account: ada.id, device: nil, limit: 10).map(\.device) == [keys.id])
            _ = try await store.deleteAccount(id: ada.id)
            #expect(try await store.alerts(account: ada.id, device: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func theCallerNamesWhichKindsRepeatOrWereSilenced(backend: StoreBackendUnderTest) async throws {
        // The store decides nothing: which kinds repeat, or may have been silenced, is asked for.
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let tracker = try await fixtures.device(for: ada)
            let keys = try await fixtures.device(for: ada)
            let lost = try #require(try await fixtures.raise(Self.alert(tracker)))
            var emergency = Self.alert(keys, rule: "sos")
            emergency.kind = .sos
            let sos = try #require(try await fixtures.raise(emergency))
            let quietLost = try #require(try await fixtures.raise(Self.alert(keys, suppressedBy: "snooze")))

            let repeatable = { (kinds: [AlertKind]) in
                try await store.repeatableAlerts(kinds: kinds, notifiedBefore: 10_000, limit: 10).map(\.id)
            }
            #expect(try await repeatable([.antiLost]) == [lost.id])
            #expect(try await repeatable([.sos]) == [sos.id])
            #expect(try await repeatable([]).isEmpty)
            let suppressed = { (kinds: [AlertKind]) in
                try await store.suppressedOpenAlerts(kinds: kinds, limit: 10).map(\.id)
            }
            #expect(try await suppressed([.antiLost]) == [quietLost.id])
            #expect(try await suppressed([.sos]).isEmpty)
        }
    }
}
