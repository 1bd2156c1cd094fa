import GRDB
import TetherStore

extension SQLiteSchema {
    /// Change numbers kept by the store's write paths, atomic by construction: the account
    /// change number is raised by the writes themselves (``TetherDomain/AccountChange``), no
    /// longer by triggers computing `max(seq) + 1`, and the directory's change sequence comes
    /// from a counter row instead of one above the highest `seq` held (which went back when the
    /// newest tombstone was purged).
    static func registerChangeNumbers(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v13: change numbers kept by the store") { db in
            let triggers = try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'account\\_change\\_%' ESCAPE '\\'"
            )
            for trigger in triggers {
                try db.execute(sql: "DROP TRIGGER \(trigger.quotedDatabaseIdentifier)")
            }
            try db.execute(
                sql: """
                    -- Region-wide sequences, each one row raised by a single UPDATE ... RETURNING:
                    -- the row stays locked until the transaction ends, so numbers are handed out
                    -- in commit order and never reused.
                    CREATE TABLE change_counter (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO change_counter (name, value)
                        SELECT 'directory', coalesce(max(seq), 0) FROM directory_record;
                    """
            )
        }
    }
}
