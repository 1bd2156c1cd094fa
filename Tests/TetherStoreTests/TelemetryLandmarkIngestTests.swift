import Foundation
import Testing
import TetherCore
import TetherStore

/// How the ingest transaction feeds the landmark rules: what one batch learned is known to the
/// next batch of the same transaction and to later transactions, and a batch hearing more
/// transmitters than one read names still knows all of them.
struct TelemetryLandmarkIngestTests {
    private static let latitude = 52.52
    private static let longitude = 13.405

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aLandmarkLearnedInOneBatchLocatesAScanOfTheNextBatchAndOfLaterTransactions(
        backend: StoreBackendUnderTest
    ) async throws {
        try await withStore(backend) { store in try await Self.learnThenLocate(store) }
    }

    private static func learnThenLocate(_ store: any TetherStorage) async throws {
        let fixtures = Fixtures(store: store)
        let device = try await fixtures.device(for: try await fixtures.account())
        let heard = Self.scan(0, readings: 1)
        let taught = [Self.event(10, Self.fix()), Self.event(11, heard)]
        let located = [Self.event(5_000, heard)]
        let outcomes = try await store.ingest([
            TelemetryBatch(device: device.id, events: taught, receivedAt: Times.at(6_000)),
            TelemetryBatch(device: device.id, events: located, receivedAt: Times.at(6_000)),
        ])
        #expect(outcomes.map(\.estimated) == [0, 1])
        let estimate = try #require(outcomes.last?.stored.last)
        #expect(estimate.id != located[0].id && estimate.timestamp == located[0].timestamp)
        guard case .location(let position) = estimate.payload else {
            Issue.record("not a location: \(estimate)")
            return
        }
        #expect(abs(position.latitude - Self.latitude) < 1e-9 && abs(position.longitude - Self.longitude) < 1e-9)

        // The landmark was written with the transaction: a later one knows it.
        let later = try await store.ingest([
            TelemetryBatch(device: device.id, events: [Self.event(9_000, heard)], receivedAt: Times.at(9_000))
        ])
        #expect(later.map(\.estimated) == [1])
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aBatchHearingMoreTransmittersThanOneReadNamesKnowsThemAll(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in try await Self.learnManyThenLocate(store) }
    }

    private static func learnManyThenLocate(_ store: any TetherStorage) async throws {
        let fixtures = Fixtures(store: store)
        let device = try await fixtures.device(for: try await fixtures.account())
        // Seven scans of 100 access points each: 700 keys, more than one read of 500 names.
        let scans = 0..<7
        let taught =
            [Self.event(10, Self.fix())] + scans.map { Self.event(11 + Double($0), Self.scan($0, readings: 100)) }
        let learning = try await store.ingest([
            TelemetryBatch(device: device.id, events: taught, receivedAt: Times.at(100))
        ])
        #expect(learning.map(\.estimated) == [0])

        let unfixed = scans.map { Self.event(5_000 + Double($0), Self.scan($0, readings: 100)) }
        let outcomes = try await store.ingest([
            TelemetryBatch(device: device.id, events: unfixed, receivedAt: Times.at(6_000))
        ])
        // Every scan, the last one's keys (read last) included, heard known access points.
        #expect(outcomes.map(\.estimated) == [scans.count])
        #expect(try await StoreInspection.telemetryEventCount(store, source: .server) == scans.count)
    }

    // MARK: Helpers

    private static func event(_ seconds: TimeInterval, _ payload: TelemetryPayload) -> TelemetryEvent {
        TelemetryEvent(id: UUID(), timestamp: Times.at(seconds).milliseconds, payload: payload)
    }

    private static func fix() -> TelemetryPayload {
        .location(LocationFix(latitude: Self.latitude, longitude: Self.longitude, accuracyMeters: 5, source: .gnss))
    }

    /// A Wi-Fi scan hearing `readings` access points of its own, numbered by `scan`.
    private static func scan(_ scan: Int, readings: Int) -> TelemetryPayload {
        .wifiScan(
            (0..<readings).map { reading in
                let bssid = String(format: "02:00:00:00:%02x:%02x", scan, reading)
                return WiFiAccessPointReading(bssid: bssid, rssi: -50 - reading % 30)
            }
        )
    }
}
