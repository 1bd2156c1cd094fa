import Foundation
import PostgresNIO
import TetherCore
import TetherStore

/// `alert` rows: the column list the queries select (or, prefixed, join) and the alert they read
/// back as.
enum PostgresAlertRows {
    /// Every column, in the order ``alert(_:)`` reads them.
    static let columns =
        "id, device_id, account_id, kind, rule, episode_start_ms, decided_ms, reason, fixes, suppressed_by, "
        + "ended_ms, acknowledged_at, repeat_count, notified_ms, created_at"

    /// ``columns``, each qualified by `table` (for joins).
    static func columns(of table: String) -> String {
        Self.columns.split(separator: ", ").map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// The alert in the row's first columns (``columns``, in order).
    static func alert(_ row: PostgresRow) throws -> Alert {
        let (
            id, device, account, kind, rule, episodeStart, decidedAt, reason, fixes, suppressedBy, endedAt,
            acknowledgedAt, repeatCount, notifiedAt, createdAt
        ) = try row.decode(
            (
                String, String, String, String, String, Int64, Int64, String, String, String?, Int64?, Date?, Int,
                Int64?, Date
            ).self
        )
        guard let kind = AlertKind(rawValue: kind) else { throw StoreCorruption(table: "alert", column: "kind") }
        return Alert(
            id: AlertID(rawValue: id),
            device: DeviceID(rawValue: device),
            account: AccountID(rawValue: account),
            kind: kind,
            rule: rule,
            episodeStart: episodeStart,
            decidedAt: decidedAt,
            reason: reason,
            fixes: try StoredAlertFixes.fixes(fixes),
            suppressedBy: suppressedBy,
            endedAt: endedAt,
            acknowledgedAt: acknowledgedAt,
            repeatCount: repeatCount,
            notifiedAt: notifiedAt,
            createdAt: createdAt
        )
    }
}
