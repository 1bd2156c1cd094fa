import Foundation
import PostgresNIO
import Testing
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherTesting

/// The settings lock on PostgreSQL (an advisory lock on the account, taken before the clock is
/// read), with accounts and devices inserted by plain SQL: adds racing at a cap leave exactly
/// one through whichever path adds, concurrent writers get distinct sequence numbers and one
/// change number each, and two first pulls version an account once.
@Suite(.enabled(if: PostgresTestCluster.isAvailable))
struct PostgresSettingsLockTests {
    static let caps = AlertSettingsCaps(fences: 1_000, quietWindows: 100)

    /// The edits that add fence `id` through settings sync.
    static func fenceEdits(_ id: String, replica: String) -> [SettingEdit] {
        let shape = AccountChangeTests.fence(id, account: AccountID(rawValue: "x")).geoJSON
        return [("name", SettingValue.string(id)), ("role", .string("safe")), ("geojson", .string(shape))].map {
            SettingEdit(
                key: SettingKey(.fence, record: id, field: $0.0),
                state: SettingFieldState(
                    value: $0.1,
                    vector: VersionVector([replica: 1]),
                    stamp: HybridTimestamp(wallMillis: Times.start.milliseconds, replica: replica)
                )
            )
        }
    }

    @Test func eightFenceAddsRacingAtTheCapLeaveExactlyOneThroughEachRound() async throws {
        let account = try Fixtures.newAccount()
        _ = try await PostgresSettingsSeed.withStore(accounts: [account]) { store, _ in
            let limit = 5
            for index in 0..<(limit - 1) {
                try await store.addFence(AccountChangeTests.fence("fen_\(index)", account: account.id), limit: limit)
            }
            for round in 0..<4 {
                // Every round the cap rises by one: exactly one of the racers takes the place.
                let outcome = await AlertSettingsCapStoreTests.race(8) { racer in
                    try await store.addFence(
                        AccountChangeTests.fence("fen_\(round)_\(racer)", account: account.id),
                        limit: limit + round
                    )
                }
                #expect(outcome.added == 1)
                #expect(outcome.errors == Array(repeating: .tooManyFences(limit: limit + round), count: 7))
            }
            #expect(try await store.alertSettings(account: account.id).fences.count == limit + 3)
        }
    }

    @Test func windowAddsAndSyncedFenceAddsRacingAtTheirCapsLeaveOneThrough() async throws {
        let account = try Fixtures.newAccount()
        _ = try await PostgresSettingsSeed.withStore(accounts: [account]) { store, _ in
            for index in 0..<2 {
                try await store.addQuietWindow(
                    try AccountChangeTests.quietWindow("dnd_\(index)", account: account.id),
                    createdAt: Times.start,
                    limit: 3
                )
            }
            let windows = await AlertSettingsCapStoreTests.race(6) { racer in
                try await store.addQuietWindow(
                    try AccountChangeTests.quietWindow("dnd_race_\(racer)", account: account.id),
                    createdAt: Times.start,
                    limit: 3
                )
            }
            #expect(windows.added == 1)
            #expect(windows.errors == Array(repeating: .tooManyQuietWindows(limit: 3), count: 5))

            // A fence added over REST and fences pushed by clients race for the last place.
            let caps = AlertSettingsCaps(fences: 1, quietWindows: 3)
            let fences = await AlertSettingsCapStoreTests.race(6) { racer in
                if racer == 0 {
                    try await store.addFence(AccountChangeTests.fence("fen_rest", account: account.id), limit: 1)
                } else {
                    _ = try await store.mergeSettingEdits(
                        account: account.id,
                        Self.fenceEdits("fen_sync_\(racer)", replica: "cli-\(racer)"),
                        now: Times.start,
                        caps: caps
                    )
                }
            }
            #expect(fences.added == 1)
            #expect(fences.errors.count == 5)
            #expect(try await store.alertSettings(account: account.id).fences.count == 1)
        }
    }

    @Test func concurrentSettingsWritersGetDistinctSequencesAndOneChangeNumberEach() async throws {
        let account = try Fixtures.newAccount()
        _ = try await PostgresSettingsSeed.withStore(accounts: [account]) { store, database in
            let writers = 24
            let outcome = await AlertSettingsCapStoreTests.race(writers) { index in
                switch index % 3 {
                case 0:
                    try await store.addFence(
                        AccountChangeTests.fence("fen_\(index)", account: account.id),
                        limit: 1_000
                    )
                case 1:
                    _ = try await store.updateRuleSettings(account: account.id, RuleSettings(dwellSeconds: 60 + index))
                default:
                    _ = try await store.mergeSettingEdits(
                        account: account.id,
                        Self.fenceEdits("fen_sync_\(index)", replica: "cli-\(index)"),
                        now: Times.start,
                        caps: Self.caps
                    )
                }
            }
            #expect(outcome.added == writers, "\(outcome.errors)")
            let changes = try await store.settingChanges(account: account.id, after: 0, limit: 10_000)
            #expect(Set(changes.map(\.sequence)).count == changes.count)
            #expect(Set(changes.map(\.key)).count == changes.count)
            let fences = try await store.alertSettings(account: account.id).fences
            #expect(fences.count == 16)
            // Every fence's fields are versioned: a REST fence's four set ones (its device is
            // null), a synced fence's three edited ones.
            let fenceFields = changes.filter { $0.key.collection == .fence }.count
            #expect(fenceFields == 56)
            let number = try await PostgresSettingsSeed.query(
                "SELECT seq FROM account_change WHERE account_id = \(account.id.rawValue)",
                in: database
            )
            #expect(number == [Int64(writers)])
        }
    }

    @Test func twoFirstPullsVersionAnAccountOnce() async throws {
        let account = try Fixtures.newAccount()
        let device = Device(
            id: .random(),
            owner: account.id,
            serial: "SN-1",
            model: "TAG-1",
            kind: .tracker,
            name: "Keys",
            pairedAt: Times.start
        )
        _ = try await PostgresSettingsSeed.withStore(accounts: [account], devices: [device]) { store, database in
            // A write that changes nothing leaves the account unversioned.
            #expect(try await store.removeFence(id: "missing", account: account.id) == nil)
            let pulls = try await withThrowingTaskGroup(of: [SettingChange].self) { group in
                for _ in 0..<4 {
                    group.addTask { try await store.settingChanges(account: account.id, after: 0, limit: 100) }
                }
                return try await group.reduce(into: [[SettingChange]]()) { $0.append($1) }
            }
            let expected = [
                SettingChange(
                    key: SettingKey(.device, record: device.id.rawValue, field: "name"),
                    state: SettingFieldState(
                        value: .string("Keys"),
                        vector: VersionVector([serverReplica: 1]),
                        stamp: HybridTimestamp(wallMillis: Times.start.milliseconds, replica: serverReplica)
                    ),
                    sequence: 1
                )
            ]
            #expect(pulls == Array(repeating: expected, count: 4))
            let number = try await PostgresSettingsSeed.query(
                "SELECT seq FROM account_change WHERE account_id = \(account.id.rawValue)",
                in: database
            )
            #expect(number == [1])
        }
    }
}
