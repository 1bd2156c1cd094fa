import TetherAlerts
import TetherCore
import TetherGeo

/// Turns stored telemetry into the alert engine's inputs.
enum AlertInputs {
    /// The inputs a device's own event gives its own engine.
    static func own(_ event: TelemetryEvent) -> [AlertInput] {
        let time = event.timestamp
        switch event.payload {
        case .location(let fix):
            return [.deviceFix(self.fix(fix, at: time))]
        case .connection(let state):
            return [.link(state, at: time)]
        case .properties(let properties):
            return [properties.batteryPercent.map { .battery(percent: $0, at: time) } ?? .heartbeat(at: time)]
        case .sos:
            return [.sos(at: time)]
        case .wifiScan, .beacons, .cellTowers, .usage:
            return [.heartbeat(at: time)]
        }
    }

    /// The position of a `location` event, if it is one.
    static func position(_ event: TelemetryEvent) -> PositionFix? {
        guard case .location(let fix) = event.payload else { return nil }
        return self.fix(fix, at: event.timestamp)
    }

    private static func fix(_ fix: LocationFix, at time: Int64) -> PositionFix {
        PositionFix(
            time: time,
            position: Coordinate(uncheckedLatitude: fix.latitude, longitude: fix.longitude),
            accuracy: fix.accuracyMeters
        )
    }
}
