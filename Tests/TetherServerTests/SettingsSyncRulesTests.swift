import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

/// Settings sync obeys the rules and caps the REST endpoints obey (`AlertSettingsRules`): a push
/// that would store a fence past the cap, a radius out of range, a window past the cap or an
/// over-long snooze is refused with the problem REST gives for the same value, and stores nothing.
@Suite struct SettingsSyncRulesTests {
    static let replica = "cli-rules"

    /// A pushed edit of `record`'s `field`, stamped now by ``replica``.
    static func edit(
        _ collection: SettingCollection,
        _ record: String,
        _ field: String,
        _ value: SettingValue,
        at date: Date = Date()
    ) -> Components.Schemas.SettingFieldVersion {
        .init(
            SettingEdit(
                key: SettingKey(collection, record: record, field: field),
                state: SettingFieldState(
                    value: value,
                    vector: VersionVector([Self.replica: 1]),
                    stamp: HybridTimestamp(wallMillis: date.milliseconds, replica: Self.replica)
                )
            )
        )
    }

    static func circle(radius: Double) -> String {
        #"{"type":"Feature","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"radius_m":"#
            + "\(radius)}}"
    }

    /// The edits that create fence `id`, a circle of `radius` metres.
    static func fence(_ id: String, radius: Double = 80) -> [Components.Schemas.SettingFieldVersion] {
        [
            Self.edit(.fence, id, "name", .string("Fence \(id)")), Self.edit(.fence, id, "role", .string("safe")),
            Self.edit(.fence, id, "geojson", .string(Self.circle(radius: radius))),
        ]
    }

    /// The edits that create quiet window `id`.
    static func window(_ id: String) -> [Components.Schemas.SettingFieldVersion] {
        [
            Self.edit(.quietWindow, id, "days", .string("1,2,3")),
            Self.edit(.quietWindow, id, "start_minute", .integer(1_320)),
            Self.edit(.quietWindow, id, "end_minute", .integer(420)),
            Self.edit(.quietWindow, id, "time_zone", .string("Europe/Berlin")),
        ]
    }

    static func push(
        _ changes: [Components.Schemas.SettingFieldVersion],
        as user: SignedInUser
    ) async throws -> Components.Schemas.SettingsSyncResponse {
        try await user.client.syncSettings(body: .json(.init(replica: Self.replica, since: 0, changes: changes))).ok
            .body.json
    }

    /// Expects the two problems to be the same answer: status, code and detail, each naming its
    /// own field (the detail starts with it).
    static func expectSameError(
        rest: APIProblem?,
        sync: APIProblem?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let rest, let sync else {
            Issue.record("both paths must refuse", sourceLocation: sourceLocation)
            return
        }
        func rule(_ problem: APIProblem) -> String? {
            let field = problem.problem.field ?? ""
            return problem.problem.detail.map { String($0.dropFirst(field.count)) }
        }
        #expect(rest.status == sync.status, sourceLocation: sourceLocation)
        #expect(rest.code == sync.code, sourceLocation: sourceLocation)
        #expect(rule(rest) != nil && rule(rest) == rule(sync), sourceLocation: sourceLocation)
    }

    @Test func syncCannotPushTheThousandAndFirstFenceAndRestSaysTheSame() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            // 1,000 fences in four pushes of 750 edits.
            for batch in 0..<4 {
                let changes = (0..<250).flatMap { Self.fence("fen_\(batch)_\($0)") }
                _ = try await Self.push(changes, as: owner.user)
            }
            #expect(try await owner.user.client.listFences().ok.body.json.count == 1_000)

            // The problem names the edit that would add the fence, so a client can drop it.
            let sync = await expectProblem(400, "invalid_field", field: "changes[0].record") {
                try await Self.push(Self.fence("fen_extra"), as: owner.user)
            }
            let rest = await expectProblem(400, "invalid_field", field: "fences") {
                try await owner.user.client.createFence(
                    body: .json(.init(name: "Extra", role: .safe, circle: .init(lat: 52, lon: 13, radiusM: 50)))
                )
                .created
            }
            Self.expectSameError(rest: rest, sync: sync)
            let fences = try await owner.user.client.listFences().ok.body.json
            #expect(fences.count == 1_000)
            #expect(!fences.contains { $0.id == "fen_extra" })

            // A client whose queued fence is over the cap drops it and keeps syncing.
            var replica = SettingsReplica(replica: "cli-queue")
            for (field, value) in [
                ("name", SettingValue.string("Queued")), ("role", .string("safe")),
                ("geojson", .string(Self.circle(radius: 80))),
            ] {
                replica.edit(
                    SettingKey(.fence, record: "fen_queued", field: field),
                    to: value,
                    nowMillis: Date().milliseconds
                )
            }
            let report = try await SettingsSync.run(&replica, client: owner.user.client)
            #expect(report.refused.count == 3)
            #expect(replica.pending.isEmpty)
            #expect(try await owner.user.client.listFences().ok.body.json.count == 1_000)

            // Deleting one makes room on either path.
            _ = try await Self.push([Self.edit(.fence, "fen_0_0", "deleted", .bool(true))], as: owner.user)
            _ = try await Self.push(Self.fence("fen_extra"), as: owner.user)
            #expect(try await owner.user.client.listFences().ok.body.json.count == 1_000)
        }
    }

    @Test(arguments: [0.0, 2_000_000])
    func syncRefusesARadiusRestRefuses(radius: Double) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            let sync = await expectProblem(400, "invalid_field", field: "changes[2].value.properties.radius_m") {
                try await Self.push(Self.fence("fen_bad", radius: radius), as: owner.user)
            }
            let feature = try JSONDecoder().decode(
                Components.Schemas.FenceRequest.GeojsonPayload.self,
                from: Data(Self.circle(radius: radius).utf8)
            )
            let rest = await expectProblem(400, "invalid_field", field: "geojson.properties.radius_m") {
                try await owner.user.client.createFence(body: .json(.init(name: "Bad", role: .safe, geojson: feature)))
                    .created
            }
            Self.expectSameError(rest: rest, sync: sync)
            let circle = await expectProblem(400, "invalid_field", field: "circle.radius_m") {
                try await owner.user.client.createFence(
                    body: .json(.init(name: "Bad", role: .safe, circle: .init(lat: 52, lon: 13, radiusM: radius)))
                )
                .created
            }
            Self.expectSameError(rest: circle, sync: sync)
            #expect(try await owner.user.client.listFences().ok.body.json.isEmpty)
        }
    }

    @Test func syncCannotPushTheHundredAndFirstQuietWindowAndRestSaysTheSame() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            _ = try await Self.push((0..<100).flatMap { Self.window("dnd_\($0)") }, as: owner.user)
            #expect(try await owner.user.client.getDoNotDisturb(query: .init()).ok.body.json.windows.count == 100)

            let sync = await expectProblem(400, "invalid_field", field: "changes[0].record") {
                try await Self.push(Self.window("dnd_extra"), as: owner.user)
            }
            let rest = await expectProblem(400, "invalid_field", field: "quiet_windows") {
                try await owner.user.client.createQuietWindow(
                    body: .json(.init(days: "mon-fri", from: "22:00", to: "07:00", tz: "UTC"))
                )
                .created
            }
            Self.expectSameError(rest: rest, sync: sync)
            #expect(try await owner.user.client.getDoNotDisturb(query: .init()).ok.body.json.windows.count == 100)
        }
    }

    @Test func syncRefusesASnoozeLongerThanRestAllows() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            let now = Date()
            let tooLong = now.addingTimeInterval(8 * 86_400)
            let sync = await expectProblem(400, "invalid_field", field: "changes[0].value") {
                try await Self.push(
                    [Self.edit(.dnd, "account", "snoozed_until", .integer(tooLong.milliseconds), at: now)],
                    as: owner.user
                )
            }
            let rest = await expectProblem(400, "invalid_field", field: "snooze_until") {
                try await owner.user.client.setDoNotDisturb(body: .json(.init(snoozeUntil: tooLong))).ok
            }
            Self.expectSameError(rest: rest, sync: sync)
            #expect(try await owner.user.client.getDoNotDisturb(query: .init()).ok.body.json.snoozedUntil == nil)

            // Six days is within the rule on both paths.
            let fine = now.addingTimeInterval(6 * 86_400)
            _ = try await Self.push(
                [Self.edit(.dnd, "account", "snoozed_until", .integer(fine.milliseconds), at: now)],
                as: owner.user
            )
            #expect(try await owner.user.client.getDoNotDisturb(query: .init()).ok.body.json.snoozedUntil != nil)
        }
    }

    @Test func aWindowWhoseStartIsItsEndIsRefusedAfterTheMerge() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let owner = try await server.pairedDevice()
            var changes = Self.window("dnd_empty")
            changes[2] = Self.edit(.quietWindow, "dnd_empty", "end_minute", .integer(1_320))
            await expectProblem(400, "invalid_field", field: "changes[0].record") {
                try await Self.push(changes, as: owner.user)
            }
            #expect(try await owner.user.client.getDoNotDisturb(query: .init()).ok.body.json.windows.isEmpty)
        }
    }
}
