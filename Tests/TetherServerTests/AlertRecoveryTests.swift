import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// Alert engines live in memory; a restart rebuilds them from stored telemetry, so an episode
/// is neither lost nor reported twice.
@Suite struct AlertRecoveryTests {
    @Test func aRestartDoesNotReportAnOpenEpisodeAgain() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let (household, times) = try await TestServer.withRunning(config: .alerting, dataDirectory: directory) {
            server in
            let household = try await server.household()
            return (household, try await server.walkAway(household))
        }
        try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
            let client = server.client(token: household.user.accessToken)
            // The owner is still away: the engine knows it from the replayed telemetry.
            for step in Int64(1)...6 {
                let time = times.last! + step * 15_000
                try await server.send([Wire.fix(time)], as: household.tracker)
                try await server.send([Wire.fix(time, east: 500)], as: household.phone)
            }
            let alerts = try await client.listAlerts(query: .init()).ok.body.json
            #expect(alerts.count == 1, "\(alerts)")
            #expect(alerts.first?.endedAt == nil)
        }
    }

    @Test func telemetryStoredButNotEvaluatedBeforeACrashIsEvaluatedAtStart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let household = try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
            try await server.household()
        }
        // As if the server committed these batches and died before its alert engines ran.
        let store = try SQLiteStore.open(directory: directory)
        defer { try? store.close() }
        var batches: [TelemetryBatch] = []
        for step in Int64(0)..<20 {
            let time = alertEpoch + step * 15_000
            batches.append(Self.batch(household.tracker, at: time, east: 0))
            batches.append(Self.batch(household.phone, at: time, east: Double(step) * 20))
        }
        _ = try await store.ingest(batches)

        try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
            let client = server.client(token: household.user.accessToken)
            try await eventually { try await !client.listAlerts(query: .init()).ok.body.json.isEmpty }
            let alerts = try await client.listAlerts(query: .init()).ok.body.json
            #expect(alerts.map(\.kind) == [.antiLost])
            #expect(alerts.first?.deviceId == household.tracker.id)
        }
    }

    @Test func aGracefulStopEndsOpenStreams() async throws {
        let reader = AlertStreamReader()
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            try await reader.open(server, token: household.user.accessToken)
            #expect(await reader.isOpen)
        }
        // `withRunning` returned: the server stopped although a stream was open.
        try await eventually { await !reader.isOpen }
    }

    private static func batch(_ device: PairedDevice, at time: Int64, east: Double) -> TelemetryBatch {
        let degrees = east / (111_320 * cos(home.latitude * .pi / 180))
        let fix = LocationFix(
            latitude: home.latitude,
            longitude: home.longitude + degrees,
            accuracyMeters: 5,
            source: .gnss
        )
        return TelemetryBatch(
            device: DeviceID(rawValue: device.id),
            events: [TelemetryEvent(id: UUID(), timestamp: time, payload: .location(fix))],
            receivedAt: Date()
        )
    }
}

extension AlertRecoveryTests {
    @Test func aFenceAlertRaisedOnTheLastFixIsNotRaisedAgainAfterARestart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let household = try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
            let household = try await server.household()
            for step in Int64(0)..<5 {
                try await server.send([Wire.fix(alertEpoch + step * 60_000)], as: household.tracker)
            }
            // A park 2 km north, added while the tracker is outside it: raised on its last fix.
            _ = try await household.client.createFence(
                body: .json(
                    .init(
                        name: "Park",
                        role: .keepIn,
                        circle: .init(lat: home.latitude + 0.018, lon: home.longitude, radiusM: 200)
                    )
                )
            )
            .created
            return household
        }
        try await TestServer.withRunning(config: .alerting, dataDirectory: directory) { server in
            let client = server.client(token: household.user.accessToken)
            try await server.send([Wire.fix(alertEpoch + 600_000)], as: household.tracker)
            // Back in the park: the one alert ends.
            try await server.send(
                [Wire.fix(alertEpoch + 660_000, latitude: home.latitude + 0.018)],
                as: household.tracker
            )
            let alerts = try await client.listAlerts(query: .init()).ok.body.json
            #expect(alerts.count == 1, "\(alerts)")
            #expect(alerts.first?.ts.milliseconds == alertEpoch + 240_000)
            #expect(alerts.first?.endedAt?.milliseconds == alertEpoch + 660_000)
        }
    }
}
