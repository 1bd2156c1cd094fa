import Foundation
import TetherAPI
import TetherClient
import TetherCore

/// `tether sync --json`: `{"pushed", "pulled", "pending", "conflicts": [...], "refused": [...]}`.
struct SyncOutput: Encodable {
    var pushed: Int
    var pulled: Int
    var pending: Int
    var conflicts: [SettingConflictOutput]
    var refused: [Refused]

    struct Refused: Encodable {
        var setting: String
        var value: String
        var reason: String
    }

    init(_ report: SettingsSync.Report, pending: Int) {
        self.pushed = report.pushed
        self.pulled = report.pulled
        self.pending = pending
        self.conflicts = report.conflicts.map(SettingConflictOutput.init)
        self.refused = report.refused.map {
            Refused(setting: $0.edit.key.description, value: $0.edit.state.value.description, reason: $0.reason)
        }
    }

    var text: String {
        var lines = ["Synced: \(self.pushed) edit(s) pushed, \(self.pulled) field(s) pulled, \(self.pending) queued."]
        lines += self.conflicts.map { "Conflict: \($0.setting) kept \($0.kept); yours was \($0.lost)." }
        lines += self.refused.map { "Refused: \($0.setting) = \($0.value): \($0.reason)" }
        return lines.joined(separator: "\n")
    }
}

/// One conflict-log entry: `{"setting", "reason", "kept", "lost", "detected_at"}`.
struct SettingConflictOutput: Encodable {
    var setting: String
    var reason: String
    /// The value the field holds (`true` of `deleted` for a deleted record), as JSON.
    var kept: String
    /// The value that lost, as JSON.
    var lost: String
    var detectedAt: Date?

    enum CodingKeys: String, CodingKey {
        case setting, reason, kept, lost
        case detectedAt = "detected_at"
    }

    static let tableHeader = ["DETECTED", "SETTING", "REASON", "KEPT", "LOST"]

    init(_ conflict: SettingConflict) {
        self.setting = conflict.key.description
        self.reason = conflict.reason.rawValue
        self.kept = conflict.winning.value.description
        self.lost = conflict.losing.value.description
    }

    init?(_ entry: Components.Schemas.SettingConflict) {
        guard let conflict = SettingConflict(entry) else { return nil }
        self.init(conflict)
        self.detectedAt = entry.detectedAt
    }

    var tableRow: [String] {
        [self.detectedAt.map(Output.time) ?? "-", self.setting, self.reason, self.kept, self.lost]
    }
}
