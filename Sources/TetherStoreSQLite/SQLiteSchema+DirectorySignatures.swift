import GRDB
import TetherStore

extension SQLiteSchema {
    /// Peer protocol 2: each directory record keeps its home region's signature, so a region
    /// forwarding it cannot change it.
    static func registerDirectorySignatures(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v16: directory record signatures") { db in
            try db.execute(sql: "ALTER TABLE directory_record ADD COLUMN signature BLOB")
        }
    }
}
