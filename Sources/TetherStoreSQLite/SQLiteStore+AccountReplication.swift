public import Foundation
import GRDB
public import TetherCore
public import TetherStore

/// Account replication: the home side reads change sequence numbers and settings records; the
/// replica side keeps `replica_record`.
extension SQLiteStore {
    public func accountChangeSequences() async throws -> [AccountID: Int64] {
        try await self.dbWriter.read { db in
            var sequences: [AccountID: Int64] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT account.id, account_change.seq FROM account JOIN account_change ON account_change.account_id = account.id"
            )
            while let row = try rows.next() {
                sequences[AccountID(rawValue: row[0])] = row[1]
            }
            return sequences
        }
    }

    public func accountSettingsRecords(account: AccountID) async throws -> (seq: Int64, records: AccountRecords)? {
        try await self.dbWriter.read { db in
            guard
                let seq = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT account_change.seq FROM account
                        JOIN account_change ON account_change.account_id = account.id WHERE account.id = ?
                        """,
                    arguments: [account.rawValue]
                )
            else { return nil }
            return (seq, try AccountRecords.read(db, account: account, for: .replica))
        }
    }

    public func replicaRecords(home: RegionID) async throws -> [StoredAccountReplica] {
        try await self.dbWriter.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT key, account_id, kind, name, version FROM replica_record WHERE home = ? ORDER BY key",
                arguments: [home.rawValue]
            ).compactMap { row in
                guard let record = Self.replicaRecord(row) else { return nil }
                return StoredAccountReplica(key: row["key"], record: record, payload: nil)
            }
        }
    }

    public func replicaRecord(
        home: RegionID,
        account: AccountID,
        kind: AccountReplicaRecord.Kind,
        name: String
    ) async throws -> StoredAccountReplica? {
        try await self.dbWriter.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT key, account_id, kind, name, version, payload FROM replica_record
                        WHERE home = ? AND account_id = ? AND kind = ? AND name = ?
                        """,
                    arguments: [home.rawValue, account.rawValue, kind.rawValue, name]
                ),
                let record = Self.replicaRecord(row)
            else { return nil }
            let payload: Data? = row["payload"]
            return StoredAccountReplica(key: row["key"], record: record, payload: payload.map { Array($0) })
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
        try await self.dbWriter.write { db in
            var written = 0
            // Prepared once for the batch (a full copy sends thousands of records).
            let heldVersion = try db.cachedStatement(
                sql: "SELECT version FROM replica_record WHERE home = ? AND key = ?"
            )
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO replica_record (home, key, account_id, kind, name, version, payload, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (home, key) DO UPDATE SET
                        version = excluded.version, payload = excluded.payload, received_at = excluded.received_at
                    """
            )
            for upsert in upserts {
                let held = try String.fetchOne(heldVersion, arguments: [home.rawValue, upsert.key])
                if held == upsert.record.version { continue }
                try insert.execute(
                    arguments: [
                        home.rawValue, upsert.key, upsert.record.account.rawValue, upsert.record.kind.rawValue,
                        upsert.record.name, upsert.record.version, upsert.payload.map { Data($0) }, date,
                    ]
                )
                written += 1
            }
            var deleted: [AccountReplicaRecord] = []
            func remove(_ condition: String, _ arguments: StatementArguments) throws {
                let rows = try Row.fetchAll(
                    db,
                    sql:
                        "DELETE FROM replica_record WHERE home = ? AND \(condition) RETURNING account_id, kind, name, version",
                    arguments: [home.rawValue] + arguments
                )
                deleted += rows.compactMap(Self.replicaRecord)
            }
            for key in deleteKeys { try remove("key = ?", [key]) }
            // Keys are lower-case hex, so [prefix, prefix + "g") is exactly the prefix's range.
            for prefix in deletePrefixes { try remove("key >= ? AND key < ?", [prefix, prefix + "g"]) }
            for account in deleteAccounts { try remove("account_id = ?", [account.rawValue]) }
            return ReplicaApplyOutcome(written: written, deleted: deleted)
        }
    }

    private static func replicaRecord(_ row: Row) -> AccountReplicaRecord? {
        guard let kind = AccountReplicaRecord.Kind(rawValue: row["kind"]) else { return nil }
        return AccountReplicaRecord(
            account: AccountID(rawValue: row["account_id"]),
            kind: kind,
            name: row["name"],
            version: row["version"]
        )
    }
}
