import Foundation
import TetherCore
import TetherDomain
import TetherGeo

/// Device times in milliseconds: `Times.at(s)` is `s` seconds after 2026-01-01T00:00Z.
enum Times {
    static let start: Int64 = 1_767_225_600_000
    static let day = UTCDay(milliseconds: start)

    static func at(_ seconds: Int64) -> Int64 { start + seconds * 1_000 }
}

/// The id numbered `number`, so that the same events can be built twice.
func eventID(_ number: Int) -> UUID {
    var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &bytes) { raw in
        raw.storeBytes(of: UInt64(number).bigEndian, toByteOffset: 8, as: UInt64.self)
    }
    return UUID(uuid: bytes)
}

/// An event at `seconds` after the start; ids are fresh unless given.
func event(_ seconds: Int64, _ payload: TelemetryPayload, id: UUID = UUID()) -> TelemetryEvent {
    TelemetryEvent(id: id, timestamp: Times.at(seconds), payload: payload)
}

func gnss(_ position: Coordinate, accuracy: Double = 5) -> TelemetryPayload {
    .location(
        LocationFix(latitude: position.latitude, longitude: position.longitude, accuracyMeters: accuracy, source: .gnss)
    )
}

func wifi(_ heard: (bssid: String, rssi: Int)...) -> TelemetryPayload {
    .wifiScan(heard.map { WiFiAccessPointReading(bssid: $0.bssid, rssi: $0.rssi) })
}

func usage(_ function: String, _ operation: String, start seconds: Int64, milliseconds: Int64) -> TelemetryPayload {
    .usage(
        UsageRecord(
            function: function,
            operation: operation,
            startMilliseconds: Times.at(seconds),
            durationMilliseconds: milliseconds
        )
    )
}

func coordinate(_ latitude: Double, _ longitude: Double) -> Coordinate {
    Coordinate(uncheckedLatitude: latitude, longitude: longitude)
}

/// The point `east` and `north` metres from `origin`.
func offset(_ origin: Coordinate, east: Double, north: Double) -> Coordinate {
    let north = Earth.destination(from: origin, bearing: 0, distance: north)
    return Earth.destination(from: north, bearing: 90, distance: east)
}

/// The writes of `events` for a device registered as a `TAG-1` without a software version.
func derive(
    _ events: [TelemetryEvent],
    state: DerivedDeviceState = DerivedDeviceState(),
    landmarks: [String: RadioLandmark] = [:]
) -> DerivedTelemetryWrites {
    TelemetryDerivation.derive(
        events,
        state: state,
        registeredModel: "TAG-1",
        registeredSoftwareVersion: nil,
        landmarks: landmarks
    )
}
