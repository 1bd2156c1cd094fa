import GRDB
import TetherStore

extension SQLiteSchema {
    /// Raising an alert checks for its rule's open episode, and ending one finds it: on an index
    /// of only the open alerts, by device and rule, so each reads the one or two open episodes,
    /// not every episode the device ever had on that rule (the unique key's prefix).
    static func registerOpenAlertIndex(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15: open alerts by device and rule") { db in
            try db.execute(
                sql: "CREATE INDEX alert_open_rule ON alert(device_id, rule) WHERE ended_ms IS NULL"
            )
        }
    }
}
