public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``AccountReplicaStore`` on PostgreSQL: the home side reads change numbers and settings
/// records (``AccountRecords``); the replica side keeps `replica_record`.
extension PostgresStore {
    public func accountChangeSequences() async throws -> [AccountID: Int64] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                "SELECT account.id, account_change.seq FROM account JOIN account_change ON account_change.account_id = account.id",
                logger: logger
            )
            var sequences: [AccountID: Int64] = [:]
            for try await (id, seq) in rows.decode((String, Int64).self) {
                sequences[AccountID(rawValue: id)] = seq
            }
            return sequences
        }
    }

    public func accountSettingsRecords(account: AccountID) async throws -> (seq: Int64, records: AccountRecords)? {
        let logger = self.pool.logger
        // One snapshot: the records are exactly those at the number read with them.
        return try await self.pool.transaction(.repeatableRead) { connection in
            let sequences = try await connection.query(
                """
                SELECT account_change.seq FROM account
                JOIN account_change ON account_change.account_id = account.id WHERE account.id = \(account.rawValue)
                """,
                logger: logger
            )
            var seq: Int64?
            for try await value in sequences.decode(Int64.self) { seq = value }
            guard let seq else { return nil }
            return (seq, try await AccountRecords.read(connection, account: account, for: .replica, logger: logger))
        }
    }

    public func replicaRecords(home: RegionID) async throws -> [StoredAccountReplica] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT key, account_id, kind, name, version FROM replica_record
                WHERE home = \(home.rawValue) ORDER BY key
                """,
                logger: logger
            )
            var records: [StoredAccountReplica] = []
            for try await (key, account, kind, name, version) in rows.decode(
                (String, String, String, String, String).self
            ) {
                guard let record = Self.replicaRecord(account, kind, name, version) else { continue }
                records.append(StoredAccountReplica(key: key, record: record, payload: nil))
            }
            return records
        }
    }

    public func replicaRecord(
        home: RegionID,
        account: AccountID,
        kind: AccountReplicaRecord.Kind,
        name: String
    ) async throws
        -> StoredAccountReplica?
    {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT key, account_id, kind, name, version, payload FROM replica_record
                WHERE home = \(home.rawValue) AND account_id = \(account.rawValue) AND kind = \(kind.rawValue)
                    AND name = \(name)
                """,
                logger: logger
            )
            var stored: StoredAccountReplica?
            for try await (key, account, kind, name, version, payload) in rows.decode(
                (String, String, String, String, String, Data?).self
            ) {
                guard let record = Self.replicaRecord(account, kind, name, version) else { continue }
                stored = StoredAccountReplica(key: key, record: record, payload: payload.map { Array($0) })
            }
            return stored
        }
    }

    public func applyReplicaRecords(
        home: RegionID,
        upserts: [StoredAccountReplica],
        deleteKeys: [String],
        deletePrefixes: [String],
        deleteAccounts: [AccountID],
        at date: Date
    ) async throws -> ReplicaApplyOutcome {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            // Batches from one home take turns (its lock), so each write is counted once.
            try await connection.lockForTransaction(["replica:" + home.rawValue])
            var held: [String: String] = [:]
            let keys = Array(Set(upserts.map(\.key)))
            if !keys.isEmpty {
                let rows = try await connection.query(
                    "SELECT key, version FROM replica_record WHERE home = \(home.rawValue) AND key = ANY(\(keys))",
                    logger: logger
                )
                for try await (key, version) in rows.decode((String, String).self) { held[key] = version }
            }
            var written = 0
            var latest: [String: StoredAccountReplica] = [:]
            for upsert in upserts where held[upsert.key] != upsert.record.version {
                held[upsert.key] = upsert.record.version
                latest[upsert.key] = upsert
                written += 1
            }
            let changed = latest.values.sorted { $0.key < $1.key }
            try await Self.upsertReplicas(
                changed.filter { $0.payload != nil },
                home: home,
                at: date,
                connection,
                logger: logger
            )
            try await Self.upsertReplicas(
                changed.filter { $0.payload == nil },
                home: home,
                at: date,
                connection,
                logger: logger
            )
            var deleted: [AccountReplicaRecord] = []
            func remove(_ rows: PostgresRowSequence) async throws {
                for try await (account, kind, name, version) in rows.decode((String, String, String, String).self) {
                    if let record = Self.replicaRecord(account, kind, name, version) { deleted.append(record) }
                }
            }
            let returning = "RETURNING account_id, kind, name, version"
            if !deleteKeys.isEmpty {
                try await remove(
                    try await connection.query(
                        """
                        DELETE FROM replica_record WHERE home = \(home.rawValue) AND key = ANY(\(deleteKeys))
                        \(unescaped: returning)
                        """,
                        logger: logger
                    )
                )
            }
            // Keys are lower-case hex compared bytewise, so [prefix, prefix + "g") is exactly
            // the prefix's range.
            for prefix in deletePrefixes {
                try await remove(
                    try await connection.query(
                        """
                        DELETE FROM replica_record
                        WHERE home = \(home.rawValue) AND key >= \(prefix) AND key < \(prefix + "g")
                        \(unescaped: returning)
                        """,
                        logger: logger
                    )
                )
            }
            if !deleteAccounts.isEmpty {
                try await remove(
                    try await connection.query(
                        """
                        DELETE FROM replica_record
                        WHERE home = \(home.rawValue) AND account_id = ANY(\(deleteAccounts.map(\.rawValue)))
                        \(unescaped: returning)
                        """,
                        logger: logger
                    )
                )
            }
            return ReplicaApplyOutcome(written: written, deleted: deleted)
        }
    }

    /// Writes `records` (distinct keys, all with payloads or all without) in one statement.
    private static func upsertReplicas(
        _ records: [StoredAccountReplica],
        home: RegionID,
        at date: Date,
        _ connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard let first = records.first else { return }
        let payloads = records.map { ByteBuffer(bytes: $0.payload ?? []) }
        try await connection.query(
            """
            INSERT INTO replica_record (home, key, account_id, kind, name, version, payload, received_at)
            SELECT \(home.rawValue), key, account_id, kind, name, version,
                CASE WHEN \(first.payload != nil) THEN payload END, \(date)
            FROM unnest(\(records.map(\.key)), \(records.map(\.record.account.rawValue)),
                \(records.map(\.record.kind.rawValue)), \(records.map(\.record.name)),
                \(records.map(\.record.version)), \(payloads))
                AS batch(key, account_id, kind, name, version, payload)
            ON CONFLICT (home, key) DO UPDATE SET
                version = excluded.version, payload = excluded.payload, received_at = excluded.received_at
            """,
            logger: logger
        )
    }

    /// A `replica_record` row's record; `nil` for a kind this build does not know.
    private static func replicaRecord(
        _ account: String,
        _ kind: String,
        _ name: String,
        _ version: String
    ) -> AccountReplicaRecord? {
        guard let kind = AccountReplicaRecord.Kind(rawValue: kind) else { return nil }
        return AccountReplicaRecord(account: AccountID(rawValue: account), kind: kind, name: name, version: version)
    }
}
