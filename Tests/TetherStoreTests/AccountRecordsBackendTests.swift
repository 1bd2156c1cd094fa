import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite
import TetherTesting

/// PostgreSQL only: a region on PostgreSQL and one on SQLite exchange the same domain records
/// (``AccountRecords``) for the same account, and each takes in what the other reads.
@Suite(.enabled(if: PostgresTestCluster.isAvailable))
struct AccountRecordsBackendTests {
    @Test func recordsMoveFromSQLiteIntoPostgresAndBackUnchanged() async throws {
        try await withStore(.sqliteMemory) { source in
            let ada = try await AccountRecordsFixture.populate(source, account: try Fixtures.newAccount())
            let exported = try #require(try await source.movingAccountRecords(account: ada))
            // Every set that moves holds a record, so none goes untested.
            for set in AccountRecordSet.moved {
                #expect(!exported[set].isEmpty, "\(set.name) is empty")
            }
            let home = try #require(RegionID(rawValue: "local"))
            try await withStore(.postgres) { postgres in
                try await postgres.importMovedAccount(exported, home: home, at: Times.start)
                let fromPostgres = try #require(try await postgres.movingAccountRecords(account: ada))
                #expect(AccountRecordsFixture.normalized(fromPostgres) == AccountRecordsFixture.normalized(exported))

                try await withStore(.sqliteMemory) { back in
                    try await back.importMovedAccount(fromPostgres, home: home, at: Times.start)
                    let returned = try #require(try await back.movingAccountRecords(account: ada))
                    #expect(AccountRecordsFixture.normalized(returned) == AccountRecordsFixture.normalized(exported))
                    // The replicated settings record is the same on both, at the same number.
                    let onSQLite = try #require(try await back.accountSettingsRecords(account: ada))
                    let onPostgres = try #require(try await postgres.accountSettingsRecords(account: ada))
                    #expect(onPostgres.seq == onSQLite.seq)
                    #expect(
                        AccountRecordsFixture.normalized(onPostgres.records)
                            == AccountRecordsFixture.normalized(onSQLite.records)
                    )
                }
            }
        }
    }

    @Test func theSameAccountWrittenOnEitherBackendShipsTheSameRecords() async throws {
        let account = try Fixtures.newAccount()
        // Both stores stamp the server's own setting edits at the same fixed time.
        var sqlite = try SQLiteStore.inMemory()
        sqlite.clock = { Times.start }
        defer { try? sqlite.close() }
        let database = try #require(try await PostgresTestCluster.makeDatabase())
        do {
            var postgres = try await PostgresStore.open(PostgresStoreConfiguration(location: database))
            postgres.clock = { Times.start }
            defer { try? postgres.close() }
            var shipped: [[String: [String]]] = []
            var settings: [[String: [String]]] = []
            for store in [sqlite, postgres] as [any TetherStorage] {
                let ada = try await AccountRecordsFixture.populate(store, account: account)
                // Ids the store makes up itself are named by what they belong to.
                var names: [String: String] = [:]
                for device in try await store.devices(account: ada) { names[device.id.rawValue] = device.serial }
                for alert in try await store.alerts(account: ada, device: nil, limit: 100) {
                    names[alert.id.rawValue] = "alert-\(alert.rule)"
                }
                let records = try #require(try await store.movingAccountRecords(account: ada))
                shipped.append(AccountRecordsFixture.normalized(records, renaming: names))
                let replicated = try #require(try await store.accountSettingsRecords(account: ada))
                settings.append(AccountRecordsFixture.normalized(replicated.records, renaming: names))
            }
            AccountRecordsFixture.expectSameTables(shipped[1], shipped[0], "moved records")
            AccountRecordsFixture.expectSameTables(settings[1], settings[0], "settings record")
        } catch {
            try? await PostgresTestCluster.dropDatabase(database)
            throw error
        }
        try await PostgresTestCluster.dropDatabase(database)
    }

    @Test func aValueOfAnotherKindThanItsFieldIsRefusedWithItsColumn() async throws {
        try await withStore(.sqliteMemory) { source in
            let ada = try await Fixtures(store: source).account()
            var records = try #require(try await source.movingAccountRecords(account: ada.id))
            records[.account][0]["created_at_ms"] = .bytes(Data([1, 2]))
            try await withStore(.postgres) { postgres in
                let error = try await #require(throws: StoreCorruption.self) {
                    try await postgres.importMovedAccount(records, home: ada.homeRegion, at: Times.start)
                }
                #expect(error.table == "account")
                #expect(error.column == "created_at")
                #expect(try await postgres.movingAccountRecords(account: ada.id) == nil)
            }
        }
    }
}

/// An account with a record in every set that travels, written through the store API with ids
/// fixed where the caller chooses them, so two stores written alike ship alike rows.
enum AccountRecordsFixture {
    static func populate(_ store: any TetherStorage, account: Account) async throws -> AccountID {
        let fixtures = Fixtures(store: store)
        let hint = SignupHint(
            location: try SignupLocation(latitude: 52.52, longitude: 13.405),
            requestedRegion: RegionID(rawValue: "eu")
        )
        try await store.createAccount(account, passwordHash: "$2b$04$hash", signup: hint)
        var session = Fixtures.newSession(for: account, tag: "rows")
        session.id = SessionID(rawValue: "session-\(account.id.rawValue)")
        try await store.createSession(session)
        let device = try await fixtures.device(for: account, serial: "SN-ROWS-1", credentialHash: "credential-rows-1")
        let hook = try #require(URL(string: "https://example.org/hook"))
        _ = try await store.setWebhook(
            WebhookEndpoint(url: hook, secret: "s3cret", createdAt: Times.at(1.2346)),
            account: account.id
        )
        try await store.setEmergencyContact(
            EmergencyContact(name: "Grace", phone: "+44 20 7946 0000"),
            account: account.id
        )
        _ = try await store.updateRuleSettings(
            account: account.id,
            RuleSettings(device: nil, allowedDistanceMeters: 150.5, dwellSeconds: 60)
        )
        _ = try await store.updateDoNotDisturb(
            account: account.id,
            device: nil,
            enabled: true,
            snooze: .set(Times.at(7_200))
        )
        try await store.addFence(AccountChangeTests.fence("home", account: account.id), limit: 1_000)
        try await store.addQuietWindow(
            try AccountChangeTests.quietWindow("nights", account: account.id),
            createdAt: Times.at(2.5004),
            limit: 100
        )
        _ = try await store.renameDevice(id: device.id, account: account.id, name: "Keys")
        // An edit that has not seen the rename: concurrent, so the conflict log gets a line.
        let stale = SettingEdit(
            key: SettingKey(.device, record: device.id.rawValue, field: "name"),
            state: SettingFieldState(
                value: .string("House keys"),
                vector: VersionVector(["phone-1": 1]),
                stamp: HybridTimestamp(wallMillis: Times.at(60).milliseconds, replica: "phone-1")
            )
        )
        _ = try await store.mergeSettingEdits(
            account: account.id,
            [stale],
            now: Times.at(60),
            caps: AlertSettingsCaps(fences: 1_000, quietWindows: 100)
        )
        let events: [(String, TimeInterval, TelemetryPayload)] = [
            (
                "00000000-0000-4000-8000-000000000001", 10,
                .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: "3.0", batteryPercent: 80))
            ),
            (
                "00000000-0000-4000-8000-000000000002", 11,
                .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: "3.1"))
            ),
            (
                "00000000-0000-4000-8000-000000000003", 12,
                .location(
                    LocationFix(
                        latitude: 52.5201,
                        longitude: 13.4049,
                        accuracyMeters: 7.5,
                        source: .gnss,
                        speedMetersPerSecond: 1.25
                    )
                )
            ),
            ("00000000-0000-4000-8000-000000000004", 13, .connection(.connected)),
            (
                "00000000-0000-4000-8000-000000000005", 14,
                .usage(
                    UsageRecord(
                        function: "ring",
                        operation: "start",
                        startMilliseconds: Times.at(14).milliseconds,
                        durationMilliseconds: 1_500
                    )
                )
            ),
            ("00000000-0000-4000-8000-000000000006", 15, .connection(.disconnected)),
        ]
        for (id, seconds, payload) in events {
            let event = TelemetryEvent(
                id: try #require(UUID(uuidString: id)),
                timestamp: Times.at(seconds).milliseconds,
                payload: payload
            )
            _ = try await store.ingest([
                TelemetryBatch(device: device.id, events: [event], receivedAt: Times.at(seconds + 0.5))
            ])
        }
        _ = try await fixtures.raise(AlertStoreTests.alert(device))
        return account.id
    }

    /// Records one issue per set whose records differ between `postgres` and `sqlite`, naming
    /// the table and the rows only one side has.
    static func expectSameTables(
        _ postgres: [String: [String]],
        _ sqlite: [String: [String]],
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for table in Set(postgres.keys).union(sqlite.keys).sorted() {
            let onPostgres = postgres[table] ?? []
            let onSQLite = sqlite[table] ?? []
            guard onPostgres != onSQLite else { continue }
            let onlyPostgres = onPostgres.filter { !onSQLite.contains($0) }
            let onlySQLite = onSQLite.filter { !onPostgres.contains($0) }
            Issue.record(
                """
                \(what): table \(table) differs
                only on PostgreSQL: \(onlyPostgres.joined(separator: "\n"))
                only on SQLite: \(onlySQLite.joined(separator: "\n"))
                """,
                sourceLocation: sourceLocation
            )
        }
    }

    /// Each set's records as sorted canonical JSON, with `renaming`'s ids replaced by their
    /// names wherever they appear in a text value.
    static func normalized(_ records: AccountRecords, renaming: [String: String] = [:]) -> [String: [String]] {
        var sets: [String: [String]] = [:]
        for set in records.sets {
            sets[set.name] = records[set].map { record in
                var renamed: [String: AccountValue] = [:]
                for (field, value) in record {
                    guard case .text(var text) = value else {
                        renamed[field] = value
                        continue
                    }
                    for (id, name) in renaming { text = text.replacingOccurrences(of: id, with: name) }
                    renamed[field] = .text(text)
                }
                let encoded = (try? AccountRecords(purpose: .move, records: ["account": [renamed]]).encoded()) ?? []
                return String(decoding: encoded, as: UTF8.self)
            }.sorted()
        }
        return sets
    }
}
