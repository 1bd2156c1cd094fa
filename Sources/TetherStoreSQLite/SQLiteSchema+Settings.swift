import GRDB
import TetherStore

extension SQLiteSchema {
    /// Versions of synced settings and the conflict log (`protocols/sync.md`, settings sync).
    static func registerSettingsSync(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9: setting versions and conflicts") { db in
            try db.execute(
                sql: """
                    -- One row per synced field: its value (JSON) and the version that wrote it.
                    -- The settings tables hold the same values for the alert engine; both change
                    -- in one transaction. seq is the account's write counter (setting_clock).
                    CREATE TABLE setting_field (
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        value TEXT NOT NULL,
                        vector TEXT NOT NULL,
                        stamp_ms INTEGER NOT NULL,
                        stamp_counter INTEGER NOT NULL,
                        stamp_replica TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        PRIMARY KEY (account_id, collection, record_id, field)
                    ) WITHOUT ROWID;
                    CREATE INDEX setting_field_seq ON setting_field(account_id, seq);
                    -- Per account: the last sequence number and the server's hybrid clock.
                    CREATE TABLE setting_clock (
                        account_id TEXT PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                        seq INTEGER NOT NULL,
                        stamp_ms INTEGER NOT NULL,
                        stamp_counter INTEGER NOT NULL
                    );
                    CREATE TABLE setting_conflict (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        collection TEXT NOT NULL,
                        record_id TEXT NOT NULL,
                        field TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        losing TEXT NOT NULL,
                        winning TEXT NOT NULL,
                        detected_at DATETIME NOT NULL
                    );
                    CREATE INDEX setting_conflict_account ON setting_conflict(account_id, id);
                    """
            )
        }
    }
}
