import Foundation
import PostgresNIO
import Testing
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite
import TetherTesting

/// Alert settings and settings sync on PostgreSQL, before the account and device store is
/// ported: the accounts and devices are inserted with plain SQL, then one script of settings
/// writes runs on SQLite and on PostgreSQL, and every answer, every versioned field, the
/// conflict log and the account change number must come out the same.
@Suite(.enabled(if: PostgresTestCluster.isAvailable))
struct PostgresSettingsStoreTests {
    /// What a store answered and holds after ``script(_:account:phone:tag:changeNumber:)``.
    struct Outcome: Equatable {
        var answers: [String] = []
        var raises: [Int64] = []
        var settings: AccountAlertSettings?
        var changes: [SettingChange] = []
        var conflicts: [LoggedSettingConflict] = []
    }

    static func edit(
        _ key: SettingKey,
        _ value: SettingValue,
        _ vector: [String: UInt64],
        at seconds: Int64
    ) -> SettingEdit {
        SettingEdit(
            key: key,
            state: SettingFieldState(
                value: value,
                vector: VersionVector(vector),
                stamp: HybridTimestamp(wallMillis: Times.start.milliseconds + seconds * 1_000, replica: "phone-1")
            )
        )
    }

    /// Every kind of settings write, with the change number read after each.
    static func script(
        _ store: any TetherStorage,
        account: AccountID,
        phone: DeviceID,
        tag: DeviceID,
        changeNumber: () async throws -> Int64
    ) async throws -> Outcome {
        var outcome = Outcome()
        var last = try await changeNumber()
        func note(_ answer: Any) async throws {
            outcome.answers.append(String(describing: answer))
            let now = try await changeNumber()
            outcome.raises.append(now - last)
            last = now
        }
        let caps = AlertSettingsCaps(fences: 3, quietWindows: 2)
        try await note(try await store.updateRuleSettings(account: account, RuleSettings(allowedDistanceMeters: 40)))
        try await note(
            try await store.updateRuleSettings(
                account: account,
                RuleSettings(device: tag, dwellSeconds: 60, lowBatteryPercent: 15, phone: phone)
            )
        )
        try await note(
            try await store.updateDoNotDisturb(
                account: account,
                device: nil,
                enabled: true,
                snooze: .set(Times.at(3_600))
            )
        )
        var home = AccountChangeTests.fence("home", account: account)
        home.device = phone
        try await note(try await store.addFence(home, limit: caps.fences))
        try await note(try await store.addFence(AccountChangeTests.fence("work", account: account), limit: caps.fences))
        try await note(
            try await store.addQuietWindow(
                try AccountChangeTests.quietWindow("nights", account: account),
                createdAt: Times.at(5),
                limit: caps.quietWindows
            )
        )
        let fence = home.geoJSON
        // A client renames the tag having seen everything, edits the account's dwell without
        // having seen the server's value, adds a fence, deletes `home` and adds one too many windows.
        let push = [
            Self.edit(
                SettingKey(.device, record: tag.rawValue, field: "name"),
                .string("Keys"),
                ["phone-1": 1, serverReplica: 100],
                at: 10
            ),
            Self.edit(
                SettingKey(.rules, record: SettingKey.accountRecord, field: "allowed_distance_m"),
                .number(75),
                ["phone-1": 2],
                at: -10
            ),
            Self.edit(SettingKey(.fence, record: "fen_sync", field: "name"), .string("Gym"), ["phone-1": 3], at: 11),
            Self.edit(
                SettingKey(.fence, record: "fen_sync", field: "role"),
                .string("keep_in"),
                ["phone-1": 3],
                at: 11
            ),
            Self.edit(SettingKey(.fence, record: "fen_sync", field: "geojson"), .string(fence), ["phone-1": 3], at: 11),
            Self.edit(
                SettingKey(.fence, record: home.id, field: SettingKey.deletedField),
                .bool(true),
                ["phone-1": 4, serverReplica: 100],
                at: 12
            ),
        ]
        let pushConflicts = try await store.mergeSettingEdits(account: account, push, now: Times.at(20), caps: caps)
        try await note(try SettingJSON.encode(pushConflicts))
        let tooMany = [
            Self.edit(SettingKey(.quietWindow, record: "dnd_a", field: "days"), .string("1,2"), ["phone-1": 5], at: 13),
            Self.edit(
                SettingKey(.quietWindow, record: "dnd_a", field: "start_minute"),
                .integer(60),
                ["phone-1": 5],
                at: 13
            ),
            Self.edit(
                SettingKey(.quietWindow, record: "dnd_a", field: "end_minute"),
                .integer(120),
                ["phone-1": 5],
                at: 13
            ),
            Self.edit(
                SettingKey(.quietWindow, record: "dnd_a", field: "time_zone"),
                .string("UTC"),
                ["phone-1": 5],
                at: 13
            ),
            Self.edit(SettingKey(.fence, record: "fen_late", field: "name"), .string("Late"), ["phone-1": 6], at: 13),
            Self.edit(SettingKey(.fence, record: "fen_late", field: "role"), .string("safe"), ["phone-1": 6], at: 13),
            Self.edit(SettingKey(.fence, record: "fen_late", field: "geojson"), .string(fence), ["phone-1": 6], at: 13),
            Self.edit(SettingKey(.fence, record: "fen_extra", field: "name"), .string("Extra"), ["phone-1": 7], at: 13),
            Self.edit(SettingKey(.fence, record: "fen_extra", field: "role"), .string("safe"), ["phone-1": 7], at: 13),
            Self.edit(
                SettingKey(.fence, record: "fen_extra", field: "geojson"),
                .string(fence),
                ["phone-1": 7],
                at: 13
            ),
        ]
        do {
            try await note(
                try SettingJSON.encode(
                    try await store.mergeSettingEdits(account: account, tooMany, now: Times.at(21), caps: caps)
                )
            )
        } catch {
            try await note(error)
        }
        // An edit of the deleted fence that had not seen the deletion.
        let late = [
            Self.edit(SettingKey(.fence, record: home.id, field: "name"), .string("Home 2"), ["tablet": 1], at: 14)
        ]
        let lateConflicts = try await store.mergeSettingEdits(account: account, late, now: Times.at(22), caps: caps)
        try await note(try SettingJSON.encode(lateConflicts))
        try await note(String(describing: try await store.removeFence(id: "work", account: account)))
        try await note(String(describing: try await store.removeFence(id: "missing", account: account)))
        try await note(String(describing: try await store.removeQuietWindow(id: "nights", account: account)))
        try await note(try await store.clearRuleSettings(account: account, device: tag))
        try await note(
            try await store.updateDoNotDisturb(account: account, device: tag, enabled: false, snooze: .clear)
        )
        try await note(
            try await store.setEmergencyContact(
                EmergencyContact(name: "Grace", phone: "+44 20 7946 0000"),
                account: account
            )
        )
        let hook = WebhookEndpoint(
            url: URL(string: "https://example.org/hook")!,
            secret: "s3cret",
            createdAt: Times.start
        )
        try await note(String(describing: try await store.setWebhook(hook, account: account)))
        try await note(String(describing: try await store.setWebhook(nil, account: account)))
        try await note(try await store.setEmergencyContact(nil, account: account))
        outcome.settings = try await store.alertSettings(account: account)
        outcome.changes = try await store.settingChanges(account: account, after: 0, limit: 1_000)
        outcome.conflicts = try await store.settingConflicts(account: account, limit: 100)
        return outcome
    }

    @Test func everySettingsWriteMatchesSQLite() async throws {
        var sqlite = try SQLiteStore.inMemory()
        sqlite.clock = { Times.start }
        let fixtures = Fixtures(store: sqlite)
        let account = try await fixtures.account()
        let phone = try await fixtures.device(for: account, serial: "PHONE")
        let tag = try await fixtures.device(for: account, serial: "TAG")
        let expected = try await Self.script(sqlite, account: account.id, phone: phone.id, tag: tag.id) {
            try await sqlite.accountChangeSequences()[account.id] ?? 0
        }

        let actual = try await PostgresSettingsSeed.withStore(accounts: [account], devices: [phone, tag]) {
            store,
            database in
            // The devices' names are versioned when PostgreSQL versions the account first, in
            // id order, where SQLite versioned them as they were paired: only their order differs.
            try await Self.script(store, account: account.id, phone: phone.id, tag: tag.id) {
                try await PostgresSettingsSeed.query(
                    "SELECT coalesce(max(seq), 0) FROM account_change WHERE account_id = \(account.id.rawValue)",
                    in: database
                )
                .first ?? 0
            }
        }
        let postgres = try #require(actual)
        #expect(postgres.answers == expected.answers)
        #expect(postgres.raises == expected.raises)
        #expect(postgres.settings == expected.settings)
        #expect(Self.pairingBlind(postgres.changes) == Self.pairingBlind(expected.changes))
        #expect(postgres.conflicts == expected.conflicts)
    }

    /// `changes` with the versions of the devices' names the server gave them when it first
    /// versioned them blanked: SQLite did as they were paired, PostgreSQL (whose devices were
    /// inserted unversioned) in id order. Everything else, sequence numbers included, is compared.
    static func pairingBlind(_ changes: [SettingChange]) -> [SettingChange] {
        changes.map { change in
            guard change.key.collection == .device, change.state.stamp.replica == serverReplica else { return change }
            let blank = SettingFieldState(
                value: change.state.value,
                vector: VersionVector(),
                stamp: HybridTimestamp(wallMillis: 0, replica: serverReplica)
            )
            return SettingChange(key: change.key, state: blank, sequence: 0)
        }
        .sorted { ($0.sequence, $0.key) < ($1.sequence, $1.key) }
    }
}
