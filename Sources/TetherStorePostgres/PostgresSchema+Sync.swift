extension PostgresSchema {
    /// Backups, the region directory and its replication, and account replicas.
    ///
    /// Keys read by range (directory hashes by prefix, replica keys by prefix, both lower-case
    /// hex) compare bytewise (`COLLATE "C"`), as in SQLite, so a prefix's range is exactly
    /// `[prefix, prefix + "g")` and its index serves it. The directory's change sequence is the
    /// `change_counter` row `directory`, created by its first change.
    static let syncTables = """
        CREATE TABLE backup_key (
            account_id text PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
            kek_id text NOT NULL,
            wrapped bytea NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE TABLE backup_chunk (
            account_id text NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            id text NOT NULL,
            size bigint NOT NULL,
            stored_size bigint NOT NULL,
            touched_at timestamptz NOT NULL,
            pack_id text NOT NULL DEFAULT '',
            pack_offset bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (account_id, id)
        );
        CREATE INDEX backup_chunk_pack ON backup_chunk(account_id, pack_id);
        CREATE TABLE backup_snapshot (
            id text PRIMARY KEY,
            account_id text NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL,
            files bigint NOT NULL,
            bytes bigint NOT NULL,
            manifest bytea NOT NULL
        );
        CREATE INDEX backup_snapshot_account ON backup_snapshot(account_id, created_at);
        CREATE TABLE backup_snapshot_chunk (
            snapshot_id text NOT NULL REFERENCES backup_snapshot(id) ON DELETE CASCADE,
            account_id text NOT NULL,
            chunk_id text NOT NULL,
            PRIMARY KEY (snapshot_id, chunk_id),
            FOREIGN KEY (account_id, chunk_id) REFERENCES backup_chunk(account_id, id)
        );
        CREATE INDEX backup_snapshot_chunk_ref ON backup_snapshot_chunk(account_id, chunk_id);
        CREATE TABLE backup_pack (
            account_id text NOT NULL REFERENCES account(id) ON DELETE CASCADE,
            id text NOT NULL,
            size bigint NOT NULL,
            created_at timestamptz NOT NULL,
            PRIMARY KEY (account_id, id)
        );
        CREATE TABLE directory_record (
            email_hash text COLLATE "C" PRIMARY KEY,
            region text NOT NULL,
            state text NOT NULL CHECK (state IN ('confirmed', 'deleted')),
            version bigint NOT NULL,
            seq bigint NOT NULL UNIQUE,
            origin text
        );
        CREATE INDEX directory_record_version ON directory_record(version);
        CREATE TABLE directory_reservation (
            email_hash text COLLATE "C" PRIMARY KEY,
            region text NOT NULL,
            expires_at timestamptz NOT NULL
        );
        CREATE TABLE replication_checkpoint (
            stream text NOT NULL,
            peer text NOT NULL,
            pushed_seq bigint NOT NULL,
            root_hash text NOT NULL,
            completed_at timestamptz NOT NULL,
            PRIMARY KEY (stream, peer)
        );
        CREATE TABLE replica_record (
            home text NOT NULL,
            key text COLLATE "C" NOT NULL,
            account_id text NOT NULL,
            kind text NOT NULL,
            name text NOT NULL,
            version text NOT NULL,
            payload bytea,
            received_at timestamptz NOT NULL,
            PRIMARY KEY (home, key)
        );
        CREATE INDEX replica_record_account ON replica_record(account_id, kind);
        """
}
