import GRDB
import TetherStore

/// The versioned schema. Add a migration for each change; never edit a shipped one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, sessions, devices, pairing") { db in
            try db.create(table: "account") { t in
                t.primaryKey("id", .text)
                t.column("email", .text).notNull().unique()
                t.column("password_hash", .text).notNull()
                t.column("home_region", .text).notNull()
                t.column("signup_latitude", .double)
                t.column("signup_longitude", .double)
                t.column("requested_region", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("access_token_hash", .text).notNull().unique()
                t.column("access_expires_at", .datetime).notNull()
                t.column("refresh_token_hash", .text).notNull().unique()
                t.column("refresh_expires_at", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "device") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("serial", .text).notNull().unique()
                t.column("model", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("hardware_version", .text)
                t.column("software_version", .text)
                t.column("credential_hash", .text).notNull().unique()
                t.column("paired_at", .datetime).notNull()
                t.column("last_seen", .datetime)
            }
            try db.create(table: "pairing_request") { t in
                t.primaryKey("id", .text)
                t.column("account_id", .text).notNull().indexed().references("account", onDelete: .cascade)
                t.column("code_hash", .text).notNull().unique()
                t.column("created_at", .datetime).notNull().indexed()
                t.column("expires_at", .datetime).notNull()
                t.column("claimed_at", .datetime)
                t.column("device_id", .text).references("device", onDelete: .setNull)
            }
            try db.create(table: "failed_sign_in") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("email", .text).notNull().indexed()
                t.column("at", .datetime).notNull()
            }
            try db.create(table: "operator_token") { t in
                t.primaryKey("token_hash", .text)
                t.column("created_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2: telemetry and derived state") { db in
            // One row per device that sent telemetry; `number` is the compact key every
            // telemetry table uses, so the big tables do not repeat 36-character device ids.
            try db.execute(
                sql: """
                    CREATE TABLE device_state (
                        number INTEGER PRIMARY KEY,
                        device_id TEXT NOT NULL UNIQUE REFERENCES device(id) ON DELETE CASCADE,
                        last_event_ms INTEGER,
                        model TEXT, hw_version TEXT, sw_version TEXT, signal_dbm INTEGER, battery_pct INTEGER,
                        ip TEXT, properties_ms INTEGER,
                        lat REAL, lon REAL, accuracy_m REAL, location_source TEXT, speed_mps REAL,
                        heading_deg REAL, location_ms INTEGER,
                        connection TEXT, connection_since_ms INTEGER, connection_ms INTEGER, last_connected_ms INTEGER
                    );
                    -- Raw events. `id` follows arrival order, which retention relies on.
                    CREATE TABLE telemetry_event (
                        id INTEGER PRIMARY KEY,
                        device INTEGER NOT NULL REFERENCES device_state(number) ON DELETE CASCADE,
                        event_id BLOB NOT NULL,
                        ts_ms INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        received_ms INTEGER NOT NULL,
                        payload TEXT NOT NULL,
                        UNIQUE (device, event_id)
                    );
                    CREATE TABLE version_change (
                        id INTEGER PRIMARY KEY,
                        device INTEGER NOT NULL REFERENCES device_state(number) ON DELETE CASCADE,
                        ts_ms INTEGER NOT NULL,
                        hw_version TEXT, sw_version TEXT, previous_hw_version TEXT, previous_sw_version TEXT
                    );
                    CREATE INDEX version_change_device ON version_change(device, ts_ms);
                    CREATE TABLE connection_period (
                        id INTEGER PRIMARY KEY,
                        device INTEGER NOT NULL REFERENCES device_state(number) ON DELETE CASCADE,
                        connected_ms INTEGER NOT NULL,
                        disconnected_ms INTEGER
                    );
                    CREATE INDEX connection_period_device ON connection_period(device, connected_ms);
                    CREATE TABLE daily_usage (
                        device INTEGER NOT NULL REFERENCES device_state(number) ON DELETE CASCADE,
                        day TEXT NOT NULL, function TEXT NOT NULL, operation TEXT NOT NULL,
                        count INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
                        PRIMARY KEY (device, day, function, operation)
                    ) WITHOUT ROWID;
                    -- Operator statistics: no account or device ids, by design.
                    CREATE TABLE daily_statistic (
                        day TEXT NOT NULL, kind TEXT NOT NULL, model TEXT NOT NULL, sw_version TEXT NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (day, kind, model, sw_version)
                    ) WITHOUT ROWID;
                    -- Positions of Wi-Fi access points (`wifi:<bssid>`) and cell towers
                    -- (`cell:<mcc>-<mnc>-<area>-<cell>`) learned from GNSS fixes; no account data.
                    CREATE TABLE radio_landmark (
                        key TEXT PRIMARY KEY,
                        lat REAL NOT NULL, lon REAL NOT NULL, samples INTEGER NOT NULL, spread_m REAL NOT NULL,
                        updated_ms INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v3: telemetry history index") { db in
            // History reads ask for one device's events by time; without this index each read
            // sorts all of the device's events.
            try db.execute(sql: "CREATE INDEX telemetry_event_device_time ON telemetry_event(device, ts_ms)")
        }
        migrator.registerMigration("v4: alerts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE alert (
                        id TEXT PRIMARY KEY,
                        device_id TEXT NOT NULL REFERENCES device(id) ON DELETE CASCADE,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        episode_start_ms INTEGER NOT NULL,
                        decided_ms INTEGER NOT NULL,
                        reason TEXT NOT NULL,
                        fixes TEXT NOT NULL,
                        suppressed_by TEXT,
                        ended_ms INTEGER,
                        acknowledged_at DATETIME,
                        repeat_count INTEGER NOT NULL DEFAULT 0,
                        created_at DATETIME NOT NULL,
                        -- One alert per episode, per device, per rule, whoever decides it first.
                        UNIQUE (device_id, rule, episode_start_ms)
                    );
                    CREATE INDEX alert_account_time ON alert(account_id, decided_ms);
                    """
            )
        }
        migrator.registerMigration("v5: alert settings, repeats and webhook deliveries") { db in
            try db.execute(
                sql: """
                    -- Rule values and the do-not-disturb switch of one scope: the account
                    -- (device_id NULL) or one device. NULL values are not set in that scope.
                    CREATE TABLE alert_scope (
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        device_id TEXT REFERENCES device(id) ON DELETE CASCADE,
                        allowed_distance_m REAL, dwell_s INTEGER, low_battery_pct INTEGER, silent_after_s INTEGER,
                        repeat_interval_s INTEGER, phone_id TEXT,
                        dnd_enabled INTEGER, snoozed_until DATETIME
                    );
                    CREATE UNIQUE INDEX alert_scope_key ON alert_scope(account_id, coalesce(device_id, ''));
                    CREATE TABLE fence (
                        id TEXT PRIMARY KEY,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        device_id TEXT REFERENCES device(id) ON DELETE CASCADE,
                        name TEXT NOT NULL, role TEXT NOT NULL, geojson TEXT NOT NULL, created_at DATETIME NOT NULL
                    );
                    CREATE INDEX fence_account ON fence(account_id, created_at);
                    CREATE TABLE quiet_window (
                        id TEXT PRIMARY KEY,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        device_id TEXT REFERENCES device(id) ON DELETE CASCADE,
                        days TEXT NOT NULL, start_minute INTEGER NOT NULL, end_minute INTEGER NOT NULL,
                        time_zone TEXT NOT NULL, created_at DATETIME NOT NULL
                    );
                    CREATE INDEX quiet_window_account ON quiet_window(account_id, created_at);
                    CREATE TABLE account_alerting (
                        account_id TEXT PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                        emergency_name TEXT, emergency_phone TEXT,
                        webhook_url TEXT, webhook_secret TEXT, webhook_created_at DATETIME
                    );
                    ALTER TABLE alert ADD COLUMN notified_ms INTEGER;
                    -- Alerts still to post to their account's webhook: one row per alert, made with
                    -- the alert and deleted once the receiver answered 2xx.
                    CREATE TABLE webhook_delivery (
                        alert_id TEXT PRIMARY KEY REFERENCES alert(id) ON DELETE CASCADE,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at DATETIME NOT NULL,
                        last_error TEXT
                    );
                    CREATE INDEX webhook_delivery_due ON webhook_delivery(next_attempt_at);
                    """
            )
        }
        migrator.registerMigration("v6: account directory") { db in
            // Keyed email hash -> home region; no other personal data. Reservations (confirmed = 0)
            // lapse at expires_at.
            try db.execute(
                sql: """
                    CREATE TABLE directory_entry (
                        email_hash TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        confirmed INTEGER NOT NULL,
                        expires_at DATETIME
                    );
                    """
            )
        }
        migrator.registerMigration("v7: backup keys, chunks and snapshots") { db in
            try db.execute(
                sql: """
                    -- One data key per account, wrapped by the region's KEK (kek_id names which).
                    CREATE TABLE backup_key (
                        account_id TEXT PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                        kek_id TEXT NOT NULL,
                        wrapped BLOB NOT NULL,
                        created_at DATETIME NOT NULL
                    );
                    -- The chunks an account holds (their sealed bytes are blobs); touched_at is the
                    -- last upload or presence check, which prune's grace period counts from.
                    CREATE TABLE backup_chunk (
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        stored_size INTEGER NOT NULL,
                        touched_at DATETIME NOT NULL,
                        PRIMARY KEY (account_id, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE backup_snapshot (
                        id TEXT PRIMARY KEY,
                        account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                        created_at DATETIME NOT NULL,
                        files INTEGER NOT NULL,
                        bytes INTEGER NOT NULL,
                        manifest BLOB NOT NULL
                    );
                    CREATE INDEX backup_snapshot_account ON backup_snapshot(account_id, created_at);
                    -- Which chunks each snapshot references: a referenced chunk cannot be deleted.
                    CREATE TABLE backup_snapshot_chunk (
                        snapshot_id TEXT NOT NULL REFERENCES backup_snapshot(id) ON DELETE CASCADE,
                        account_id TEXT NOT NULL,
                        chunk_id TEXT NOT NULL,
                        PRIMARY KEY (snapshot_id, chunk_id),
                        FOREIGN KEY (account_id, chunk_id) REFERENCES backup_chunk(account_id, id)
                    ) WITHOUT ROWID;
                    CREATE INDEX backup_snapshot_chunk_ref ON backup_snapshot_chunk(account_id, chunk_id);
                    """
            )
        }
        migrator.registerMigration("v8: directory versions and tombstones") { db in
            try db.execute(
                sql: """
                    -- The replicated account directory: one versioned record per keyed email hash,
                    -- confirmed or deleted (a tombstone). Only the home region (region) authors
                    -- versions: hybrid logical timestamps (Unix ms << 16 | counter). seq orders this
                    -- replica's own changes (authored or applied) for incremental pushes; origin is
                    -- the peer a record came from (NULL: authored here), which pushes skip.
                    CREATE TABLE directory_record (
                        email_hash TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('confirmed', 'deleted')),
                        version INTEGER NOT NULL,
                        seq INTEGER NOT NULL UNIQUE,
                        origin TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX directory_record_version ON directory_record(version);
                    -- Reservations while a home region registers an email: local, never replicated.
                    CREATE TABLE directory_reservation (
                        email_hash TEXT PRIMARY KEY,
                        region TEXT NOT NULL,
                        expires_at DATETIME NOT NULL
                    ) WITHOUT ROWID;
                    -- Where replication with each peer stopped, per replicated stream ('directory',
                    -- later settings and backups): the local seq pushed and the agreed summary root.
                    CREATE TABLE replication_checkpoint (
                        stream TEXT NOT NULL,
                        peer TEXT NOT NULL,
                        pushed_seq INTEGER NOT NULL,
                        root_hash TEXT NOT NULL,
                        completed_at DATETIME NOT NULL,
                        PRIMARY KEY (stream, peer)
                    ) WITHOUT ROWID;
                    -- Entries made before versions get version 1, lower than any authored since.
                    INSERT INTO directory_record (email_hash, region, state, version, seq)
                        SELECT email_hash, region, 'confirmed', 1, ROW_NUMBER() OVER (ORDER BY email_hash)
                        FROM directory_entry WHERE confirmed = 1;
                    INSERT INTO directory_reservation (email_hash, region, expires_at)
                        SELECT email_hash, region, expires_at FROM directory_entry
                        WHERE confirmed = 0 AND expires_at IS NOT NULL;
                    DROP TABLE directory_entry;
                    """
            )
        }
        Self.registerSettingsSync(in: &migrator)
        Self.registerBackupPacks(in: &migrator)
        Self.registerAccountReplication(in: &migrator)
        Self.registerSignInAddresses(in: &migrator)
        Self.registerChangeNumbers(in: &migrator)
        Self.registerPairingIndex(in: &migrator)
        Self.registerOpenAlertIndex(in: &migrator)
        Self.registerDirectorySignatures(in: &migrator)
        Self.registerDomainRecords(in: &migrator)
        return migrator
    }
}
