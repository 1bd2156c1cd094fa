import GRDB

extension SQLiteSchema {
    /// Peer protocol 2: settings replica records held in protocol 1's form (SQLite's rows) are
    /// dropped; each home's next round finds them missing and sends them again as domain
    /// records (``TetherStore/AccountRecords``).
    static func registerDomainRecords(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17: settings replicas of peer protocol 1 dropped") { db in
            try db.execute(sql: "DELETE FROM replica_record WHERE kind = 'settings'")
        }
    }
}
