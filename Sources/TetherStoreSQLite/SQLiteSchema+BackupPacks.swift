import GRDB
import TetherStore

extension SQLiteSchema {
    /// Pack files for backup chunks (`protocols/backup.md`, packs): each chunk row says which pack
    /// holds its sealed box, where and how long (`stored_size`).
    static func registerBackupPacks(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10: backup packs") { db in
            try db.execute(
                sql: """
                    -- The pack blobs an account holds: several sealed chunk boxes back to back.
                    CREATE TABLE backup_pack (
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        created_at DATETIME NOT NULL,
                        PRIMARY KEY (account_id, id)
                    ) WITHOUT ROWID;
                    -- Where a chunk's box lies: stored_size bytes at pack_offset in pack_id.
                    ALTER TABLE backup_chunk ADD COLUMN pack_id TEXT NOT NULL DEFAULT '';
                    ALTER TABLE backup_chunk ADD COLUMN pack_offset INTEGER NOT NULL DEFAULT 0;
                    -- A blob stored before packs is a pack of one, named by its chunk's id.
                    UPDATE backup_chunk SET pack_id = id;
                    INSERT INTO backup_pack (account_id, id, size, created_at)
                        SELECT account_id, id, stored_size, touched_at FROM backup_chunk;
                    CREATE INDEX backup_chunk_pack ON backup_chunk(account_id, pack_id);
                    """
            )
        }
    }
}
