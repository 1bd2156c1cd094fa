import Foundation
import Testing
import TetherCore
import TetherStore

/// The account change number (`TetherDomain.AccountChange`), kept by the store's write paths:
/// it moves exactly when a replicated row changes, once per write, atomically.
struct AccountChangeTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func aRenameRaisesTheSequenceAndRestatedVersionsDoNot(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let account = try await fixtures.account()
            let device = try await fixtures.device(for: account)
            _ = try await store.ingest([Self.properties(device, software: "3.0")])
            let first = try #require(try await store.accountChangeSequences()[account.id])

            _ = try await store.ingest([Self.properties(device, software: "3.0")])
            #expect(try await store.accountChangeSequences()[account.id] == first)

            _ = try await store.renameDevice(id: device.id, account: account.id, name: "Keys")
            let renamed = try #require(try await store.accountChangeSequences()[account.id])
            #expect(renamed > first)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func everyWriteOfReplicatedDataRaisesTheNumberOnce(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            #expect(try await store.accountChangeSequences()[ada.id] != nil, "a new account is listed at once")
            var number = try #require(try await store.accountChangeSequences()[ada.id])
            // Each write names its AccountChange case.
            func expectRaisedOnce(_ change: String, _ comment: Comment) async throws {
                let now = try #require(try await store.accountChangeSequences()[ada.id])
                #expect(now == number + 1, "\(change): \(comment)")
                number = now
            }
            let device = try await fixtures.device(for: ada)
            try await expectRaisedOnce("settingFields", "a device paired")
            _ = try await store.renameDevice(id: device.id, account: ada.id, name: "Keys")
            try await expectRaisedOnce("settingFields", "a device renamed")
            _ = try await store.ingest([Self.properties(device, software: "4.0")])
            try await expectRaisedOnce("deviceVersions", "telemetry reported a new software version")
            _ = try await store.updateRuleSettings(account: ada.id, RuleSettings(device: nil, dwellSeconds: 60))
            try await expectRaisedOnce("settingFields", "rule values")
            _ = try await store.updateDoNotDisturb(account: ada.id, device: nil, enabled: true, snooze: .keep)
            try await expectRaisedOnce("settingFields", "do-not-disturb")
            try await store.clearRuleSettings(account: ada.id, device: device.id)
            try await expectRaisedOnce("settingFields", "a device's rule values cleared")
            try await store.addFence(Self.fence("home", account: ada.id), limit: 1_000)
            try await expectRaisedOnce("settingFields", "a fence added")
            _ = try await store.removeFence(id: "home", account: ada.id)
            try await expectRaisedOnce("settingFields", "a fence removed")
            try await store.addQuietWindow(
                try Self.quietWindow("nights", account: ada.id),
                createdAt: Times.start,
                limit: 100
            )
            try await expectRaisedOnce("settingFields", "a quiet window added")
            _ = try await store.removeQuietWindow(id: "nights", account: ada.id)
            try await expectRaisedOnce("settingFields", "a quiet window removed")
            try await store.setEmergencyContact(
                EmergencyContact(name: "Grace", phone: "+44 20 7946 0000"),
                account: ada.id
            )
            try await expectRaisedOnce("alerting", "the emergency contact")
            let hook = try #require(URL(string: "https://example.org/hook"))
            _ = try await store.setWebhook(
                WebhookEndpoint(url: hook, secret: "s3cret", createdAt: Times.start),
                account: ada.id
            )
            try await expectRaisedOnce("alerting", "the webhook")
            let rename = SettingEdit(
                key: SettingKey(.device, record: device.id.rawValue, field: "name"),
                state: SettingFieldState(
                    value: .string("House keys"),
                    vector: VersionVector(["phone-1": 1, serverReplica: 100]),
                    stamp: HybridTimestamp(wallMillis: Times.at(60).milliseconds, replica: "phone-1")
                )
            )
            _ = try await store.mergeSettingEdits(
                account: ada.id,
                [rename],
                now: Times.at(60),
                caps: AlertSettingsCaps(fences: 1_000, quietWindows: 100)
            )
            try await expectRaisedOnce("settingFields", "a client's edit merged")
            #expect(try await store.device(id: device.id, account: ada.id)?.name == "House keys")
            _ = try await store.removeDevice(id: device.id, account: ada.id)
            try await expectRaisedOnce("settingFields", "a device removed")
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func writesOfUnreplicatedDataLeaveTheNumber(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada)
            _ = try await store.ingest([Self.properties(device, software: "3.0")])
            let number = try #require(try await store.accountChangeSequences()[ada.id])

            try await fixtures.session(for: ada)
            try await fixtures.pairingRequest(for: ada)
            try await store.markSeen(device: device.id, at: Times.at(10))
            try await fixtures.failedSignIn(ada.email, at: Times.at(11))
            let sos = TelemetryEvent(id: UUID(), timestamp: Times.at(12).milliseconds, payload: .sos)
            _ = try await store.ingest([TelemetryBatch(device: device.id, events: [sos], receivedAt: Times.at(12))])
            _ = try await store.ingest([Self.properties(device, software: "3.0", at: 13)])
            _ = try await fixtures.raise(AlertStoreTests.alert(device))

            #expect(try await store.accountChangeSequences()[ada.id] == number)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aNumberNeverGoesBackWhenTheAccountMovesAwayAndReturns(backend: StoreBackendUnderTest) async throws {
        try await withTwoStores(backend) { home, elsewhere in
            let eu = try #require(RegionID(rawValue: "eu"))
            let us = try #require(RegionID(rawValue: "us"))
            let fixtures = Fixtures(store: home)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada)
            _ = try await home.renameDevice(id: device.id, account: ada.id, name: "Keys")
            let before = try #require(try await home.accountChangeSequences()[ada.id])

            // Away: listed at its new home, no longer here.
            try await elsewhere.importMovedAccount(
                try #require(try await home.movingAccountRecords(account: ada.id)),
                home: us,
                at: Times.start
            )
            #expect(try await home.removeMovedAccount(ada.id, to: us, at: Times.start))
            #expect(try await elsewhere.accountChangeSequences()[ada.id] != nil)
            #expect(try await home.accountChangeSequences()[ada.id] == nil)

            // Back: the number goes on from where it was, so no replica mistakes an old copy for it.
            let records = try #require(try await elsewhere.movingAccountRecords(account: ada.id))
            try await home.importMovedAccount(records, home: eu, at: Times.at(1))
            let after = try #require(try await home.accountChangeSequences()[ada.id])
            #expect(after > before)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aDeletedAccountIsNoLongerListed(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            #expect(try await store.deleteAccount(id: ada.id))
            #expect(try await store.accountChangeSequences().keys.sorted { $0.rawValue < $1.rawValue } == [grace.id])
            #expect(try await store.accountSettingsRecords(account: ada.id) == nil)
        }
    }

    /// Concurrent writers to one account: every write raises the number once, the numbers are
    /// distinct and increasing in the order readers see them, and no write is lost.
    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentWritesToOneAccountGetDistinctIncreasingNumbersAndNoneIsLost(
        backend: StoreBackendUnderTest
    ) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada)
            let start = try #require(try await store.accountChangeSequences()[ada.id])
            let writers = 24
            let seen = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for index in 0..<writers {
                    group.addTask {
                        if index.isMultiple(of: 3) {
                            _ = try await store.renameDevice(id: device.id, account: ada.id, name: "Keys \(index)")
                        } else {
                            try await store.addFence(Self.fence("fence-\(index)", account: ada.id), limit: 1_000)
                        }
                        return []
                    }
                }
                // A reader watching the number while they write.
                group.addTask {
                    var numbers: [Int64] = []
                    for _ in 0..<writers {
                        if let settings = try await store.accountSettingsRecords(account: ada.id) {
                            numbers.append(settings.seq)
                        }
                        await Task.yield()
                    }
                    return numbers
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(seen == seen.sorted(), "the number never went back: \(seen)")
            #expect(try await store.accountChangeSequences()[ada.id] == start + Int64(writers))
            let fences = try await store.alertSettings(account: ada.id).fences
            #expect(fences.count == writers - (writers + 2) / 3)
        }
    }

    private static func properties(_ device: Device, software: String, at seconds: TimeInterval = 0) -> TelemetryBatch {
        TelemetryBatch(
            device: device.id,
            events: [
                TelemetryEvent(
                    id: UUID(),
                    timestamp: Times.at(seconds).milliseconds,
                    payload: .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: software))
                )
            ],
            receivedAt: Times.at(seconds)
        )
    }

    static func fence(_ id: String, account: AccountID) -> FenceRecord {
        FenceRecord(
            id: id,
            account: account,
            device: nil,
            name: id,
            role: .safePlace,
            geoJSON:
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[13.405,52.52]},"properties":{"radius_m":100}}"#,
            createdAt: Times.start
        )
    }

    static func quietWindow(_ id: String, account: AccountID) throws -> QuietWindowRecord {
        QuietWindowRecord(
            id: id,
            account: account,
            device: nil,
            window: try QuietWindow(
                days: [.monday],
                start: LocalTime(minutes: 22 * 60),
                end: LocalTime(minutes: 6 * 60),
                timeZone: "Europe/Berlin"
            )
        )
    }
}
