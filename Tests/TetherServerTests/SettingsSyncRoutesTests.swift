import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Settings sync over HTTP with real replicas: concurrent edits from two clients, an offline
/// edit pushed after a newer one, clocks an hour wrong, deletion against edit, bad edits refused
/// with nothing changed, and resends changing nothing.
@Suite struct SettingsSyncRoutesTests {
    /// A client's replica and the clock it reads: the test's true time (`clock`, which the
    /// server reads too), possibly wrong by `skew`. Time moves only when the test advances it,
    /// so a request takes no time and edits are ordered by the test, not by the machine's speed.
    struct Client {
        var replica: SettingsReplica
        let api: TetherAPI.Client
        let clock: ManualClock
        let skew: Int64

        init(_ name: String, user: SignedInUser, clock: ManualClock, skew: Int64 = 0) {
            self.replica = SettingsReplica(replica: "cli-\(name)")
            self.api = user.client
            self.clock = clock
            self.skew = skew
        }

        var now: Int64 { self.clock.now().milliseconds + self.skew }

        mutating func sync() async throws -> SettingsSync.Report {
            let (clock, skew) = (self.clock, self.skew)
            return try await SettingsSync.run(&self.replica, client: self.api) { clock.now().milliseconds + skew }
        }

        mutating func edit(_ collection: SettingCollection, _ record: String, _ field: String, _ value: SettingValue) {
            self.replica.edit(SettingKey(collection, record: record, field: field), to: value, nowMillis: self.now)
        }
    }

    static let hour: Int64 = 3_600_000

    @Test(arguments: [(Self.hour, true), (-Self.hour, false)])
    func concurrentEditsKeepTheOneMadeLastWhateverTheClocksSay(skewOfA: Int64, aEditsFirst: Bool) async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            var a = Client("a", user: owner.user, clock: clock, skew: skewOfA)
            var b = Client("b", user: owner.user, clock: clock)
            for _ in 0..<3 {
                _ = try await a.sync()
                _ = try await b.sync()
            }
            #expect(a.replica.record(.device, owner.id)?["name"] != nil)
            // A round trip takes no time on the test's clock: the skew is measured exactly.
            #expect(a.replica.clockOffsetRoundTripMillis == 0)
            #expect(a.replica.clockOffsetMillis == -skewOfA)

            // Neither sees the other's edit; the one made a second later (in true time) wins.
            if aEditsFirst {
                a.edit(.device, owner.id, "name", .string("Keys (A)"))
                clock.advance(by: .seconds(1))
                b.edit(.device, owner.id, "name", .string("Keys (B)"))
            } else {
                b.edit(.device, owner.id, "name", .string("Keys (B)"))
                clock.advance(by: .seconds(1))
                a.edit(.device, owner.id, "name", .string("Keys (A)"))
            }
            let winner = aEditsFirst ? "Keys (B)" : "Keys (A)"
            let loser = aEditsFirst ? "Keys (A)" : "Keys (B)"
            _ = try await a.sync()
            let report = try await b.sync()
            #expect(report.conflicts.map(\.losing.value) == [.string(loser)])
            _ = try await a.sync()

            let device = try await owner.user.client.getDevice(path: .init(deviceId: owner.id)).ok.body.json
            #expect(device.name == winner)
            #expect(a.replica.record(.device, owner.id)?["name"] == .string(winner))
            #expect(b.replica.record(.device, owner.id)?["name"] == .string(winner))
            let log = try await owner.user.client.listSettingConflicts().ok.body.json
            #expect(log.count == 1)
            #expect(log.first?.reason == .concurrentEdit)
            #expect(try log.first.map { try SettingValue(api: $0.losingValue, field: "") } == .string(loser))
        }
    }

    @Test func anOfflineEditPushedLaterDoesNotOverwriteANewerOne() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            var laptop = Client("laptop", user: owner.user, clock: clock)
            _ = try await laptop.sync()
            laptop.edit(.rules, "account", "allowed_distance_m", .number(100))
            // A second later, so the server's edit is the later one.
            clock.advance(by: .seconds(1))
            // Meanwhile another client sets the value through the ordinary endpoint.
            _ = try await owner.user.client.setAlertRules(body: .json(.init(allowedDistanceM: 50))).ok

            let report = try await laptop.sync()
            #expect(report.pushed == 1)
            #expect(report.conflicts.map(\.losing.value) == [.number(100)])
            #expect(laptop.replica.pending.isEmpty)
            let rules = try await owner.user.client.listAlertRules().ok.body.json
            #expect(rules.account.allowedDistanceM == 50)
            #expect(laptop.replica.record(.rules, "account")?["allowed_distance_m"] == .number(50))
            // The conflict log is the account's data: exported with it.
            let export = try await owner.user.client.exportAccount().ok.body.json
            #expect(export.settingConflicts?.map(\.field) == ["allowed_distance_m"])

            // An edit made after seeing the newer value simply applies.
            laptop.edit(.rules, "account", "allowed_distance_m", .number(75))
            #expect(try await laptop.sync().conflicts.isEmpty)
            #expect(try await owner.user.client.listAlertRules().ok.body.json.account.allowedDistanceM == 75)
        }
    }

    @Test func aFenceMadeOfflineAppearsAndAnEditToADeletedOneIsLogged() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            var phone = Client("phone", user: owner.user, clock: clock)
            _ = try await phone.sync()
            let feature =
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"radius_m":80}}"#
            for (field, value) in [
                ("name", SettingValue.string("Gym")), ("role", .string("safe")), ("geojson", .string(feature)),
            ] {
                phone.edit(.fence, "fen_gym", field, value)
            }
            _ = try await phone.sync()
            let fences = try await owner.user.client.listFences().ok.body.json
            #expect(fences.map(\.name) == ["Gym"])

            // Deleted elsewhere while this client renames it offline.
            phone.edit(.fence, "fen_gym", "name", .string("Gym (new)"))
            _ = try await owner.user.client.removeFence(path: .init(fenceId: "fen_gym")).ok
            let report = try await phone.sync()
            #expect(report.conflicts.map(\.reason) == [.recordDeleted])
            #expect(try await owner.user.client.listFences().ok.body.json.isEmpty)
            #expect(phone.replica.record(.fence, "fen_gym") == nil)
        }
    }

    @Test func aBadEditIsRefusedNamingItAndTheWholePushChangesNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            let stranger = try await server.pairedDevice("eve@example.org", serial: "SN-EVE")
            let now = Int64((Date().timeIntervalSince1970 * 1_000).rounded())
            func edit(
                _ record: String,
                _ field: String,
                _ value: SettingValue,
                at millis: Int64 = now
            )
                -> Components.Schemas.SettingFieldVersion
            {
                .init(
                    SettingEdit(
                        key: SettingKey(.device, record: record, field: field),
                        state: SettingFieldState(
                            value: value,
                            vector: VersionVector(["cli-x": 1]),
                            stamp: HybridTimestamp(wallMillis: millis, replica: "cli-x")
                        )
                    )
                )
            }
            let good = edit(owner.id, "name", .string("Renamed"))
            let cases: [(Components.Schemas.SettingFieldVersion, String)] = [
                (edit(owner.id, "colour", .string("red")), "changes[1].field"),
                (edit(owner.id, "name", .integer(5)), "changes[1].value"),
                (edit(stranger.id, "name", .string("Mine now")), "changes[1].record"),
                (edit(owner.id, "name", .string("Later"), at: now + Self.hour), "changes[1].stamp.wall_ms"),
            ]
            for (bad, field) in cases {
                await expectProblem(400, "invalid_field", field: field) {
                    try await owner.user.client.syncSettings(
                        body: .json(.init(replica: "cli-x", since: 0, changes: [good, bad]))
                    ).ok
                }
            }
            let device = try await owner.user.client.getDevice(path: .init(deviceId: owner.id)).ok.body.json
            #expect(device.name != "Renamed")
            let theirs = try await stranger.user.client.getDevice(path: .init(deviceId: stranger.id)).ok.body.json
            #expect(theirs.name != "Mine now")
        }
    }

    @Test func aResentPushChangesNothing() async throws {
        let clock = ManualClock()
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            var client = Client("c", user: owner.user, clock: clock)
            _ = try await client.sync()
            client.edit(.dnd, "account", "enabled", .bool(false))
            let pushed = client.replica.edits()
            _ = try await client.sync()
            let cursor = client.replica.cursor
            let again = try await owner.user.client.syncSettings(
                body: .json(.init(replica: "cli-c", since: cursor, changes: pushed.map { .init($0) }))
            ).ok.body.json
            #expect(again.conflicts.isEmpty)
            #expect(again.changes.isEmpty)
            #expect(again.cursor == cursor)
        }
    }
}
