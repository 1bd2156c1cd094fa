import Foundation
import TetherAPI

/// One-line summaries of telemetry for people.
enum TelemetrySummary {
    /// The fields an event carried, briefly: `52.52, 13.405 ±8 m (gnss)`.
    static func text(_ fields: Components.Schemas.TelemetryFields) -> String {
        if let lat = fields.lat, let lon = fields.lon {
            return "\(lat), \(lon) ±\(Self.metres(fields.accuracyM)) (\(fields.source?.rawValue ?? "?"))"
        }
        if let state = fields.state { return state.rawValue }
        if let function = fields.function {
            return "\(function)/\(fields.operation ?? "?") for \(Self.duration(fields.durationMs ?? 0))"
        }
        if let aps = fields.aps { return "\(aps.count) Wi-Fi access point(s)" }
        if let cells = fields.cells { return "\(cells.count) cell tower(s)" }
        if let beacons = fields.beacons { return "\(beacons.count) beacon(s)" }
        let properties: [String?] = [
            fields.model, fields.hwVersion.map { "hw \($0)" }, fields.swVersion.map { "sw \($0)" },
            fields.batteryPct.map { "battery \($0)%" }, fields.signalDbm.map { "signal \($0) dBm" },
            fields.ip.map { "ip \($0)" },
        ]
        let text = properties.compactMap { $0 }.joined(separator: ", ")
        return text.isEmpty ? "-" : text
    }

    /// `4.0 s`, `12 min`, `1.5 h`.
    static func duration(_ milliseconds: Int64) -> String {
        let seconds = Double(milliseconds) / 1_000
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        if seconds < 7_200 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3_600)
    }

    static func metres(_ value: Double?) -> String {
        value.map { String(format: "%.0f m", $0) } ?? "? m"
    }
}
