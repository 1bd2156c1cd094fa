import Foundation
import TetherAPI

/// `{"id", "kind", "device_id", "ts", "reason", "suppressed", "suppressed_by", "rule",
/// "episode_start", "ended_at", "acknowledged_at", "repeat_count", "fixes", "explanation",
/// "emergency_contact", "created_at"}`, plus `"event"` (`alert`, `repeat`, `ended`) from
/// `alerts watch`. Every key is present; `null` when empty.
struct AlertOutput: Encodable {
    let alert: Components.Schemas.Alert
    /// The stream event that carried the alert; `nil` (and no key) outside `alerts watch`.
    var event: String?

    enum CodingKeys: String, CodingKey {
        case id, kind
        case deviceId = "device_id"
        case ts, reason, suppressed
        case suppressedBy = "suppressed_by"
        case rule
        case episodeStart = "episode_start"
        case endedAt = "ended_at"
        case acknowledgedAt = "acknowledged_at"
        case repeatCount = "repeat_count"
        case fixes, explanation
        case emergencyContact = "emergency_contact"
        case createdAt = "created_at"
        case event
    }

    /// `{"source", "ts", "lat", "lon", "accuracy_m"}`.
    private struct FixOutput: Encodable {
        let fix: Components.Schemas.AlertFix

        enum CodingKeys: String, CodingKey {
            case source, ts, lat, lon
            case accuracyM = "accuracy_m"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.fix.source, forKey: .source)
            try container.encode(self.fix.ts, forKey: .ts)
            try container.encode(self.fix.lat, forKey: .lat)
            try container.encode(self.fix.lon, forKey: .lon)
            try container.encode(self.fix.accuracyM, forKey: .accuracyM)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.alert.id, forKey: .id)
        try container.encode(self.alert.kind.rawValue, forKey: .kind)
        try container.encode(self.alert.deviceId, forKey: .deviceId)
        try container.encode(self.alert.ts, forKey: .ts)
        try container.encode(self.alert.reason, forKey: .reason)
        try container.encode(self.alert.suppressed, forKey: .suppressed)
        try container.encode(self.alert.suppressedBy, forKey: .suppressedBy)
        try container.encode(self.alert.rule, forKey: .rule)
        try container.encode(self.alert.episodeStart, forKey: .episodeStart)
        try container.encode(self.alert.endedAt, forKey: .endedAt)
        try container.encode(self.alert.acknowledgedAt, forKey: .acknowledgedAt)
        try container.encode(self.alert.repeatCount, forKey: .repeatCount)
        try container.encode(self.alert.fixes.map(FixOutput.init), forKey: .fixes)
        try container.encode(self.alert.explanation, forKey: .explanation)
        try container.encode(self.alert.emergencyContact.map(ContactOutput.init), forKey: .emergencyContact)
        try container.encode(self.alert.createdAt, forKey: .createdAt)
        if let event = self.event {
            try container.encode(event, forKey: .event)
        }
    }

    static let tableHeader = ["ID", "KIND", "DEVICE", "TIME", "STATUS", "REASON"]

    var tableRow: [String] {
        [
            self.alert.id, self.alert.kind.rawValue, self.alert.deviceId, Output.time(self.alert.ts), self.status,
            self.alert.reason,
        ]
    }

    /// `told`, `suppressed (snooze)`, then `acknowledged` and `ended` when they happened.
    var status: String {
        var parts = [
            self.alert.suppressedBy.map { "suppressed (\($0))" } ?? (self.alert.suppressed ? "suppressed" : "told")
        ]
        if self.alert.acknowledgedAt != nil { parts.append("acknowledged") }
        if self.alert.endedAt != nil { parts.append("ended") }
        return parts.joined(separator: ", ")
    }

    /// One line for `alerts watch`: `TIME EVENT kind device: reason [status] (id)`.
    var line: String {
        let event = (self.event ?? "alert").uppercased()
        let repeats = self.event == "repeat" ? " #\(self.alert.repeatCount)" : ""
        return
            "\(Output.time(self.alert.ts))  \(event)\(repeats)  \(self.alert.kind.rawValue)  \(self.alert.deviceId): "
            + "\(self.alert.reason) [\(self.status)] (\(self.alert.id))"
    }

    /// The answer to "why was I told, or not told?" for `alerts why`.
    var explanationText: String {
        var lines = [self.alert.explanation ?? "\(self.alert.kind.rawValue): \(self.alert.reason)", ""]
        lines.append("Alert:         \(self.alert.id) (\(self.alert.kind.rawValue), rule \(self.alert.rule))")
        lines.append("Device:        \(self.alert.deviceId)")
        lines.append(
            "Decided at:    \(Output.time(self.alert.ts)) (episode since \(Output.time(self.alert.episodeStart)))"
        )
        lines.append("Reason:        \(self.alert.reason)")
        lines.append(
            "Suppressed by: \(self.alert.suppressedBy ?? (self.alert.suppressed ? "yes" : "nothing (you were told)"))"
        )
        lines.append("Acknowledged:  \(Output.time(self.alert.acknowledgedAt))")
        lines.append("Ended:         \(self.alert.endedAt.map { Output.time($0) } ?? "not yet")")
        if self.alert.repeatCount > 0 {
            lines.append("Repeats:       \(self.alert.repeatCount)")
        }
        if let contact = self.alert.emergencyContact {
            lines.append("Emergency contact: \(contact.name), \(contact.phone)")
        }
        if !self.alert.fixes.isEmpty {
            lines.append("Fixes:")
            let rows = self.alert.fixes.map {
                [$0.source, Output.time($0.ts), "\($0.lat), \($0.lon)", "±\(OptionValue.distanceText($0.accuracyM))"]
            }
            lines.append(Output.table(header: ["SOURCE", "TIME", "POSITION", "ACCURACY"], rows: rows))
        }
        return lines.joined(separator: "\n")
    }
}
