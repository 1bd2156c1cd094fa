import Foundation
import TetherAPI

/// `{"id", "days", "from", "to", "tz", "device_id"}`: one weekly do-not-disturb window.
struct QuietWindowOutput: Encodable {
    let window: Components.Schemas.QuietWindow

    enum CodingKeys: String, CodingKey {
        case id, days, from, to, tz
        case deviceId = "device_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.window.id, forKey: .id)
        try container.encode(self.window.days, forKey: .days)
        try container.encode(self.window.from, forKey: .from)
        try container.encode(self.window.to, forKey: .to)
        try container.encode(self.window.tz, forKey: .tz)
        try container.encode(self.window.deviceId, forKey: .deviceId)
    }

    static let tableHeader = ["ID", "DAYS", "FROM", "TO", "TIME ZONE", "DEVICE"]

    var tableRow: [String] {
        [
            self.window.id, self.window.days.joined(separator: ","), self.window.from, self.window.to,
            self.window.tz, self.window.deviceId ?? "all",
        ]
    }

    var text: String { Output.table(header: Self.tableHeader, rows: [self.tableRow]) }
}

/// `{"device_id", "enabled", "snoozed_until", "windows"}`: do-not-disturb of one scope (the
/// account when `device_id` is `null`).
struct DoNotDisturbOutput: Encodable {
    let settings: Components.Schemas.DoNotDisturb

    enum CodingKeys: String, CodingKey {
        case deviceId = "device_id"
        case enabled
        case snoozedUntil = "snoozed_until"
        case windows
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.settings.deviceId, forKey: .deviceId)
        try container.encode(self.settings.enabled, forKey: .enabled)
        try container.encode(self.settings.snoozedUntil, forKey: .snoozedUntil)
        try container.encode(self.settings.windows.map(QuietWindowOutput.init), forKey: .windows)
    }

    var text: String {
        let scope = self.settings.deviceId.map { "device \($0)" } ?? "account-wide"
        var lines = ["Do-not-disturb (\(scope)): \(self.settings.enabled ? "on" : "off")"]
        if let until = self.settings.snoozedUntil, until > Date() {
            lines.append("Anti-lost alerts snoozed until \(Output.time(until)).")
        } else {
            lines.append("Not snoozed.")
        }
        if self.settings.windows.isEmpty {
            lines.append("No windows: add one with 'tether dnd add --days mon-fri --from 22:00 --to 07:00'.")
        } else {
            let rows = self.settings.windows.map { QuietWindowOutput(window: $0).tableRow }
            lines.append(Output.table(header: QuietWindowOutput.tableHeader, rows: rows))
        }
        return lines.joined(separator: "\n")
    }
}
