import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// Telemetry is part of the account's data: the export carries it, and deleting the account
/// deletes it.
@Suite("Telemetry in account export and delete")
struct TelemetryAccountDataTests {
    static let now = testEpoch.milliseconds

    @Test
    func theExportHoldsEveryEventUsageAndDerivedState() async throws {
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let events = [
                Wire.properties(Self.now - 4_000, ["sw_version": "3.4.1", "battery_pct": 81]),
                Wire.location(Self.now - 3_000, lat: 48.85, lon: 2.35),
                Wire.usage(Self.now - 2_000, durationMs: 1_500),
                Wire.connection(Self.now - 1_000, "connected"),
            ]
            _ = try await server.send(events, as: device)

            let export = try await device.user.client.exportAccount().ok.body.json
            let telemetry = try #require(export.telemetry.first { $0.deviceId == device.id })
            // Oldest first, every event, times to the millisecond.
            #expect(telemetry.events.map(\.ts) == events.map { Date(milliseconds: $0["ts"] as! Int64) })
            #expect(telemetry.events.map(\.kind) == [.properties, .location, .usage, .connection])
            #expect(telemetry.events[1].data.lat == 48.85)
            #expect(telemetry.usage.map(\.durationMs) == [1_500])
            let exported = try #require(export.devices.first { $0.id == device.id })
            #expect(exported.telemetry?.location?.lat == 48.85)
            #expect(exported.telemetry?.properties?.swVersion == "3.4.1")
            #expect(exported.telemetry?.connection?.state == .connected)
        }
    }

    @Test
    func deletingTheAccountDeletesItsTelemetryAndLeavesOthers() async throws {
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let ada = try await server.pairedDevice("ada@example.org", serial: "SN-A")
            let grace = try await server.pairedDevice("grace@example.org", serial: "SN-G")
            _ = try await server.send([Wire.sos(Self.now - 2_000), Wire.usage(Self.now - 1_000)], as: ada)
            _ = try await server.send([Wire.sos(Self.now - 500)], as: grace)
            // A second connection to the server's own database file (WAL allows it).
            let store = try SQLiteStore.open(directory: server.dataDirectory)
            defer { try? store.close() }
            #expect(try await store.telemetryEventCount() == 3)

            _ = try await ada.user.client.deleteAccount().ok
            #expect(try await store.telemetryEventCount() == 1)
            let remaining = try await grace.history()
            #expect(remaining.count == 1)
        }
    }
}
