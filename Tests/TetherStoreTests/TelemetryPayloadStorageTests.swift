import Foundation
import PropertyBased
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// Every payload reads back from storage exactly as it was ingested: the store writes payloads
/// with its own compact JSON writer and reads them with the wire decoder, so this checks the two
/// agree, including strings that need escaping.
@Suite("Telemetry payload storage")
struct TelemetryPayloadStorageTests {
    /// Labels with the characters a JSON writer must escape, and some that it must not.
    static let labels = Gen.element(of: [
        "TAG-1", "say \"hi\"", #"back\slash"#, "Ünïcødé", "emoji 🛰️", "tab\there", "a/b", "1.2.3",
    ])
    .map { $0! }

    static func payload(kind: Int, label: String, rssi: Int, lat: Double, lon: Double) -> TelemetryPayload {
        switch kind {
        case 0:
            .properties(
                DeviceProperties(
                    model: label,
                    softwareVersion: label,
                    signalDBm: rssi,
                    batteryPercent: 50,
                    ipAddress: "10.0.0.1"
                )
            )
        case 1:
            .location(
                LocationFix(
                    latitude: lat,
                    longitude: lon,
                    accuracyMeters: 7.5,
                    source: .gnss,
                    speedMetersPerSecond: 1.25,
                    headingDegrees: 359.9
                )
            )
        case 2: .wifiScan([WiFiAccessPointReading(bssid: "aa:bb:cc:dd:ee:0f", rssi: rssi, frequencyMHz: 2_437)])
        case 3: .beacons([BeaconReading(uuid: UUID().uuidString, major: 1, minor: 2, rssi: rssi)])
        case 4: .cellTowers([CellTowerReading(mcc: 262, mnc: 1, tac: 4_711, cellID: 123_456, rssi: rssi)])
        case 5:
            .usage(
                UsageRecord(
                    function: label,
                    operation: label,
                    startMilliseconds: 1_767_225_600_000,
                    durationMilliseconds: 4_000
                )
            )
        case 6: .connection(rssi % 2 == 0 ? .connected : .disconnected)
        default: .sos
        }
    }

    @Test("a stored payload reads back equal", arguments: StoreBackendUnderTest.allCases)
    func roundTrip(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let account = try await fixtures.account()
            let device = try await fixtures.device(for: account)
            let kinds = Gen.int(in: 0...7)
            let coordinates = Gen.double(in: -90...90)
            await propertyCheck(count: 64, input: kinds, Self.labels, Gen.int(in: -150...0), coordinates) {
                kind,
                label,
                rssi,
                coordinate in
                let payload = Self.payload(kind: kind, label: label, rssi: rssi, lat: coordinate, lon: coordinate * 2)
                let event = TelemetryEvent(id: UUID(), timestamp: 1_767_225_600_000, payload: payload)
                let outcome = try await store.ingest([
                    TelemetryBatch(device: device.id, events: [event], receivedAt: Times.start)
                ])
                #expect(outcome.first?.accepted == 1)
                let stored = try await store.telemetry(
                    device: device.id,
                    account: account.id,
                    query: TelemetryQuery(since: .distantPast, limit: 10_000)
                )
                let readBack = try #require(stored?.first { $0.event.id == event.id })
                #expect(readBack.event == event)
            }
        }
    }
}
