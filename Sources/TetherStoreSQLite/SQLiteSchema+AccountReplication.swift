import GRDB
import TetherStore

extension SQLiteSchema {
    /// Device columns that replicate; `last_seen` changes with every telemetry batch and does not.
    static let replicatedDeviceColumns = [
        "serial", "model", "kind", "name", "hardware_version", "software_version", "credential_hash", "paired_at",
    ]

    /// Account replication: which accounts changed (kept by triggers until "v13", by the store's
    /// write paths since), and the replicas this region holds of other regions' accounts.
    static func registerAccountReplication(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v11: account replication") { db in
            try db.execute(
                sql: """
                    -- The account's change sequence number: raised (to one above every other) by
                    -- any write to a replicated settings table, so a replica's copy is stale
                    -- exactly when its number is lower.
                    CREATE TABLE account_change (
                        account_id TEXT PRIMARY KEY,
                        seq INTEGER NOT NULL
                    );
                    CREATE INDEX account_change_seq ON account_change(seq);
                    INSERT INTO account_change (account_id, seq)
                        SELECT id, row_number() OVER (ORDER BY id) FROM account;

                    -- What this region holds of other regions' accounts, by their home. Chunk
                    -- records carry no payload here: their sealed boxes are blobs under
                    -- <data-dir>/replicas/.
                    CREATE TABLE replica_record (
                        home TEXT NOT NULL,
                        key TEXT NOT NULL,
                        account_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        name TEXT NOT NULL,
                        version TEXT NOT NULL,
                        payload BLOB,
                        received_at DATETIME NOT NULL,
                        PRIMARY KEY (home, key)
                    );
                    CREATE INDEX replica_record_account ON replica_record(account_id, kind);

                    -- Credentials of accounts that moved: at the old home they send the holder
                    -- to the new one (421); at the new home they are accepted although they
                    -- name the old region. Hashes only; kept as long as the credentials live.
                    CREATE TABLE credential_route (
                        token_hash TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    """
            )
            // The settings tables of this version (the triggers went in "v13").
            let settingsTables = [
                ("account", "id"), ("device", "account_id"), ("account_alerting", "account_id"),
                ("alert_scope", "account_id"), ("fence", "account_id"), ("quiet_window", "account_id"),
                ("setting_clock", "account_id"), ("setting_field", "account_id"), ("setting_conflict", "account_id"),
            ]
            for (table, column) in settingsTables {
                // Telemetry rewrites a device's versions with every batch: only a real change counts.
                let update =
                    table == "device"
                    ? "UPDATE OF \(Self.replicatedDeviceColumns.joined(separator: ", ")) ON \(table) WHEN "
                        + Self.replicatedDeviceColumns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
                    : "UPDATE ON \(table)"
                for (event, row) in [("INSERT ON \(table)", "NEW"), (update, "NEW"), ("DELETE ON \(table)", "OLD")] {
                    let name = "account_change_\(table)_\(event.prefix(6).lowercased())"
                    try db.execute(
                        sql: """
                            CREATE TRIGGER \(name) AFTER \(event) BEGIN
                                INSERT INTO account_change (account_id, seq)
                                VALUES (\(row).\(column), (SELECT coalesce(max(seq), 0) + 1 FROM account_change))
                                ON CONFLICT (account_id) DO UPDATE SET seq = excluded.seq;
                            END
                            """
                    )
                }
            }
        }
    }
}
