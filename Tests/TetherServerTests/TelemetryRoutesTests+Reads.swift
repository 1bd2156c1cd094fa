import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// The reads of telemetry: device state in `GET /v1/devices/{id}`, history, usage, operator
/// statistics, and who may read them.
extension TelemetryRoutesTests {
    private static func at(_ offsetMilliseconds: Int64) -> Date {
        Date(milliseconds: Self.now + offsetMilliseconds)
    }

    @Test
    func theDeviceShowsItsLastLocationPropertiesAndConnection() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let properties =
                ["model": "TAG-1", "hw_version": "1.2", "sw_version": "3.4.1", "battery_pct": 81] as [String: Any]
            _ = try await server.send(
                [
                    Wire.properties(now - 10_000, properties), Wire.location(now - 5_000),
                    Wire.connection(now - 9_000, "connected"),
                ],
                as: device
            )
            // Older news never rolls the state back.
            _ = try await server.send(
                [
                    Wire.location(now - 20_000, lat: 48.85, lon: 2.35, source: "wifi"),
                    Wire.connection(now - 1_000, "disconnected"),
                ],
                as: device
            )

            let read = try await device.read()
            #expect(read.swVersion == "3.4.1")
            #expect(read.hwVersion == "1.2")
            #expect(read.lastSeen == testEpoch)
            let telemetry = try #require(read.telemetry)
            #expect(telemetry.lastEventAt == Self.at(-1_000))
            let location = try #require(telemetry.location)
            #expect(location.lat == 52.52 && location.lon == 13.405 && location.accuracyM == 8)
            #expect(location.source == .gnss)
            #expect(location.ts == Self.at(-5_000))
            #expect(telemetry.properties?.batteryPct == 81)
            #expect(telemetry.properties?.ip == "127.0.0.1")
            #expect(telemetry.properties?.updatedAt == Self.at(-10_000))
            let connection = try #require(telemetry.connection)
            #expect(connection.state == .disconnected)
            #expect(connection.since == Self.at(-1_000))
            #expect(connection.lastConnectedAt == Self.at(-9_000))
            #expect(connection.periods.map(\.connectedAt) == [Self.at(-9_000)])
            #expect(connection.periods.map(\.disconnectedAt) == [Self.at(-1_000)])
            #expect(telemetry.versionHistory?.map(\.swVersion) == ["3.4.1"])
        }
    }

    @Test
    func historyIsNewestFirstAndFiltersBySinceUntilAndKind() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let newest = UUID()
            _ = try await server.send(
                [
                    Wire.location(now - 50_000), Wire.connection(now - 40_000, "connected"),
                    Wire.location(now - 30_000),
                    Wire.sos(now - 20_000), Wire.location(now - 10_000, id: newest, lat: 1),
                ],
                as: device
            )
            let all = try await device.history(since: Self.at(-100_000))
            #expect(all.map(\.ts) == [-10_000, -20_000, -30_000, -40_000, -50_000].map(Self.at))
            #expect(all.first?.eventId == newest.uuidString.lowercased())
            #expect(all.first?.data.lat == 1)
            #expect(all.allSatisfy { $0.receivedAt == testEpoch })

            #expect(
                try await device.history(since: Self.at(-35_000)).map(\.ts) == [-10_000, -20_000, -30_000].map(Self.at)
            )
            let untilCut = try await device.history(since: Self.at(-100_000), until: Self.at(-20_000))
            #expect(untilCut.map(\.ts) == [-30_000, -40_000, -50_000].map(Self.at))
            let locations = try await device.history(kind: .location)
            #expect(locations.map(\.ts) == [-10_000, -30_000, -50_000].map(Self.at))
            #expect(try await device.history(limit: 2).map(\.ts) == [-10_000, -20_000].map(Self.at))
        }
    }

    @Test
    func historyValidatesItsQuery() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let device = try await server.pairedDevice()
            for limit in [0, -1, 10_001] {
                await expectProblem(400, "invalid_field", field: "limit") { try await device.history(limit: limit) }
            }
            await expectProblem(400, "invalid_field", field: "until") {
                try await device.history(since: testEpoch, until: testEpoch)
            }
            #expect(try await device.history(limit: 10_000).isEmpty)
        }
    }

    @Test
    func usageIsSummedPerUTCDayFunctionAndOperation() async throws {
        let now = Self.now + 12 * 3_600_000
        let clock = ManualClock(start: Date(milliseconds: now))
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let device = try await server.pairedDevice()
            let ring = Wire.usage(now - 3_600_000)
            _ = try await server.send(
                [
                    ring, Wire.usage(now - 60_000), Wire.usage(now, operation: "locate", durationMs: 1_000),
                    Wire.usage(now - 86_400_000, function: "light", operation: "blink", durationMs: 500),
                    Wire.usage(now - 8 * 86_400_000),
                ],
                as: device
            )
            // A resent event is not counted twice.
            #expect(try await server.send([ring], as: device).duplicate == 1)

            let path = Operations.GetDeviceUsage.Input.Path(deviceId: device.id)
            let week = try await device.user.client.getDeviceUsage(path: path).ok.body.json
            #expect(week.deviceId == device.id)
            #expect(week.from == "2025-12-26")
            #expect(week.usage.map(\.day) == ["2025-12-31", "2026-01-01", "2026-01-01"])
            #expect(week.usage.map(\.function) == ["light", "find", "find"])
            #expect(week.usage.map(\.operation) == ["blink", "locate", "ring"])
            #expect(week.usage.map(\.count) == [1, 1, 2])
            #expect(week.usage.map(\.durationMs) == [500, 1_000, 8_000])

            let today = try await device.user.client.getDeviceUsage(path: path, query: .init(days: 1)).ok.body.json
            #expect(today.usage.map(\.operation) == ["locate", "ring"])
            let month = try await device.user.client.getDeviceUsage(path: path, query: .init(days: 30)).ok.body.json
            #expect(month.usage.map(\.day).first == "2025-12-24")
            for days in [0, 731] {
                await expectProblem(400, "invalid_field", field: "days") {
                    try await device.user.client.getDeviceUsage(path: path, query: .init(days: days))
                }
            }
        }
    }

    @Test
    func aUsageStartFarInTheFutureDoesNotBreakTheUsageReport() async throws {
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            var event = Wire.usage(Self.now)
            event["start_ms"] = Int64(9_000_000_000_000_000_000)
            let report = try await server.send([event], as: device)
            #expect(report.rejected == 1)
            #expect(report.errors.first?.field == "start_ms")
            let usage = try await device.user.client.getDeviceUsage(path: .init(deviceId: device.id)).ok.body.json
            #expect(usage.usage.isEmpty)
        }
    }

    @Test
    func dailyStatisticsCountByKindModelAndVersionWithoutIds() async throws {
        let now = Self.now + 12 * 3_600_000
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: Date(milliseconds: now)))) {
            server in
            let ada = try await server.pairedDevice()
            let grace = try await server.register("grace@example.org")
            let code = try await server.pairingCode(for: grace).code
            let graceDevice = PairedDevice(
                user: grace,
                grant: try await server.claim(code, serial: "SN-G", model: "TAG-2")
            )
            _ = try await server.send(
                [Wire.properties(now - 60_000, ["model": "TAG-1", "sw_version": "3.4.1"])],
                as: ada
            )
            _ = try await server.send(
                [Wire.location(now - 30_000), Wire.location(now - 20_000), Wire.sos(now)],
                as: ada
            )
            _ = try await server.send((1...3).map { Wire.location(now - $0) }, as: graceDevice)
            let token = try await server.addOperatorToken()

            let stats = try await server.client(token: token).getDailyStats().ok.body.json
            #expect(stats.from == "2025-12-02")
            #expect(stats.stats.allSatisfy { $0.day == "2026-01-01" })
            #expect(stats.stats.reduce(0) { $0 + $1.count } == 7)
            let locations = stats.stats.filter { $0.kind == .location }
            #expect(locations.map(\.model) == ["TAG-1", "TAG-2"])
            #expect(locations.map(\.swVersion) == ["3.4.1", ""])
            #expect(locations.map(\.count) == [2, 3])
            #expect(stats.stats.filter { $0.kind == .sos }.map(\.count) == [1])

            let raw = try await server.raw("GET", "/v1/stats/daily", token: token)
            #expect(raw.status == 200)
            for secret in [ada.id, graceDevice.id, ada.user.accountID, grace.accountID, "SN-1", "SN-G", "example.org"] {
                #expect(!raw.text.contains(secret))
            }
            let later = try await server.client(token: token).getDailyStats(query: .init(since: "2026-01-02"))
            #expect(try later.ok.body.json.stats.isEmpty)
            await expectProblem(400, "invalid_field", field: "since") {
                try await server.client(token: token).getDailyStats(query: .init(since: "yesterday"))
            }
        }
    }

    @Test
    func dailyStatisticsAreForOperatorsOnly() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let device = try await server.pairedDevice()
            _ = try await server.addOperatorToken()
            await expectProblem(401, "unauthenticated") { try await server.client().getDailyStats() }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: SecretToken.generate(.operator).text).getDailyStats()
            }
            await expectProblem(403, "forbidden") { try await device.user.client.getDailyStats() }
            await expectProblem(403, "forbidden") { try await server.client(token: device.credential).getDailyStats() }
        }
    }

    @Test
    func anotherAccountCannotReadADevicesTelemetry() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let ada = try await server.pairedDevice()
            let silent = PairedDevice(user: ada.user, grant: try await server.pairDevice(for: ada.user, serial: "SN-2"))
            _ = try await server.send([Wire.location(now), Wire.usage(now)], as: ada)
            let grace = try await server.register("grace@example.org")
            let unknown = DeviceID.random().rawValue

            for id in [ada.id, silent.id, unknown] {
                await expectProblem(404, "not_found", field: "deviceId") {
                    try await grace.client.listTelemetry(path: .init(deviceId: id), query: .init(since: testEpoch))
                }
                await expectProblem(404, "not_found", field: "deviceId") {
                    try await grace.client.getDeviceUsage(path: .init(deviceId: id))
                }
            }
            // Neither a device credential nor no token reads history.
            for client in [server.client(token: ada.credential), server.client()] {
                await expectProblem(401, "unauthenticated") {
                    try await client.listTelemetry(path: .init(deviceId: ada.id), query: .init(since: testEpoch))
                }
            }
            #expect(try await silent.history().isEmpty)
            // A removed device's telemetry is gone for its owner too.
            _ = try await ada.user.client.removeDevice(path: .init(deviceId: ada.id)).ok
            await expectProblem(404, "not_found", field: "deviceId") { try await ada.history() }
        }
    }
}
