import Foundation
import PostgresNIO
import TetherCore
import TetherStore

/// The alert engine's writes as a prepared statement (parsed and planned once per connection;
/// see ``TelemetryStatements``).
enum AlertStatements {
    /// One call's raises and ends, applied in order by `alert_record_changes`
    /// (``PostgresSchema/alertChangesFunction``) in one statement under the devices' locks.
    /// Returns, for each change that changed an alert, its index and the alert as stored.
    ///
    /// A raise stores its alert unless its episode is stored (the unique device, rule and episode
    /// start) or, for kinds with one open episode per rule, the rule has an open alert; it queues
    /// the alert for the account's webhook unless it is suppressed. An end ends the rule's open
    /// alert that began at the episode's start or, when a replay after a restart dated the
    /// episode differently, the latest that began before the end.
    struct RecordChanges: PostgresPreparedStatement {
        static let sql = """
            SELECT \(PostgresAlertRows.columns(of: "(changed)")), change_index
            FROM alert_record_changes(
                $1::text[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::bigint[],
                $14::timestamptz[], $15::bigint[], $16::bigint[], $17::timestamptz[], $18::boolean[],
                $19::boolean[]
            )
            """
        typealias Row = (index: Int, alert: Alert)

        /// The locks to take first, in order: one per device.
        var lockKeys: [String]
        var changes: [AlertChange]

        func makeBindings() throws -> PostgresBindings {
            var columns = Columns()
            for change in self.changes { columns.append(change) }
            var bindings = PostgresBindings(capacity: 19)
            bindings.append(self.lockKeys)
            bindings.append(columns.ends)
            try bindings.append(PostgresNullableArray(columns.ids))
            bindings.append(columns.devices)
            try bindings.append(PostgresNullableArray(columns.accounts))
            try bindings.append(PostgresNullableArray(columns.kinds))
            bindings.append(columns.rules)
            bindings.append(columns.episodeStarts)
            try bindings.append(PostgresNullableArray(columns.decisions))
            try bindings.append(PostgresNullableArray(columns.reasons))
            try bindings.append(PostgresNullableArray(columns.fixes))
            try bindings.append(PostgresNullableArray(columns.suppressors))
            try bindings.append(PostgresNullableArray(columns.endedAt))
            try bindings.append(PostgresNullableArray(columns.acknowledged))
            try bindings.append(PostgresNullableArray(columns.repeats))
            try bindings.append(PostgresNullableArray(columns.notified))
            try bindings.append(PostgresNullableArray(columns.created))
            bindings.append(columns.oneOpen)
            bindings.append(columns.queueWebhook)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {
            // The alert's columns, then its change's index, counted from 1.
            let cells = row.makeRandomAccess()
            return (try cells[cells.count - 1].decode(Int.self) - 1, try PostgresAlertRows.alert(row))
        }
    }

    /// The changes' columns, one array per function argument; an end leaves the alert's other
    /// columns `NULL`.
    private struct Columns {
        var ends: [Bool] = []
        var ids: [String?] = []
        var devices: [String] = []
        var accounts: [String?] = []
        var kinds: [String?] = []
        var rules: [String] = []
        var episodeStarts: [Int64] = []
        var decisions: [Int64?] = []
        var reasons: [String?] = []
        var fixes: [String?] = []
        var suppressors: [String?] = []
        var endedAt: [Int64?] = []
        var acknowledged: [Date?] = []
        var repeats: [Int64?] = []
        var notified: [Int64?] = []
        var created: [Date?] = []
        var oneOpen: [Bool] = []
        var queueWebhook: [Bool] = []

        mutating func append(_ change: AlertChange) {
            switch change {
            case .raise(let alert):
                self.ends.append(false)
                self.ids.append(alert.id.rawValue)
                self.devices.append(alert.device.rawValue)
                self.accounts.append(alert.account.rawValue)
                self.kinds.append(alert.kind.rawValue)
                self.rules.append(alert.rule)
                self.episodeStarts.append(alert.episodeStart)
                self.decisions.append(alert.decidedAt)
                self.reasons.append(alert.reason)
                self.fixes.append(StoredAlertFixes.text(alert.fixes))
                self.suppressors.append(alert.suppressedBy)
                self.endedAt.append(alert.endedAt)
                self.acknowledged.append(alert.acknowledgedAt)
                self.repeats.append(Int64(alert.repeatCount))
                self.notified.append(alert.notifiedAt)
                self.created.append(alert.createdAt)
                self.oneOpen.append(alert.kind.hasOneOpenEpisodePerRule)
                self.queueWebhook.append(!alert.isSuppressed)
            case .end(let device, let rule, let episodeStart, let endedAt):
                self.ends.append(true)
                self.ids.append(nil)
                self.devices.append(device.rawValue)
                self.accounts.append(nil)
                self.kinds.append(nil)
                self.rules.append(rule)
                self.episodeStarts.append(episodeStart)
                self.decisions.append(nil)
                self.reasons.append(nil)
                self.fixes.append(nil)
                self.suppressors.append(nil)
                self.endedAt.append(endedAt)
                self.acknowledged.append(nil)
                self.repeats.append(nil)
                self.notified.append(nil)
                self.created.append(nil)
                self.oneOpen.append(false)
                self.queueWebhook.append(false)
            }
        }
    }
}
