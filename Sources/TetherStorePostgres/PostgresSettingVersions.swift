import Foundation
import Logging
import PostgresNIO
import TetherCore
import TetherDomain
import TetherStore

/// The account's settings lock (``TetherStore/SettingsSyncStore``), held until the transaction
/// ends: a transaction-scoped advisory lock on the account (key `settings:<account id>`), taken
/// before the account's `setting_clock` row is read. Every write to the settings tables
/// (`device.name`, `alert_scope`, `fence`, `quiet_window`, `setting_field`) takes it first, so
/// the fields a write versions against are the ones it commits over, the caps are counted
/// against what is there, and ``TetherStore/SettingChange/sequence`` numbers are handed out in
/// commit order.
///
/// An advisory lock rather than `SELECT … FOR UPDATE` on the clock row: an account never
/// versioned has no row to lock, and a write that ends up changing nothing (removing a fence
/// that is not there) must not leave an empty clock row behind, which would mark the account
/// versioned.
struct SettingsLock: Sendable {
    let account: AccountID
    /// The clock row when the lock was taken; `nil` when the account has none (its records were
    /// never versioned, and are versioned in full when it writes).
    let clock: SettingClockRow?
}

extension PostgresStore {
    /// Takes the account's settings lock and reads its clock; call it before reading anything a
    /// settings write depends on. Two statements, so the read's snapshot is taken after the lock.
    static func lockSettings(
        _ connection: PostgresConnection,
        account: AccountID,
        logger: Logger
    ) async throws -> SettingsLock {
        try await connection.lockForTransaction(["settings:" + account.rawValue])
        let rows = try await connection.query(
            "SELECT seq, stamp_ms, stamp_counter FROM setting_clock WHERE account_id = \(account.rawValue)",
            logger: logger
        )
        var clock: SettingClockRow?
        for try await (seq, stampMs, counter) in rows.decode((Int64, Int64, Int64).self) {
            clock = SettingClockRow(accountId: account.rawValue, seq: seq, stampMs: stampMs, stampCounter: counter)
        }
        return SettingsLock(account: account, clock: clock)
    }

    /// Versions what an ordinary write just changed in the account's settings tables, as edits
    /// of the server replica, inside the same transaction, and raises the account's change
    /// number. Only `records`, the ones the caller changed, are compared, so the cost does not
    /// grow with the account (but for the first time an account is versioned at all, which
    /// versions everything it has, once).
    func versionServerEdits(
        _ connection: PostgresConnection,
        _ lock: SettingsLock,
        records: [SettingRecordID],
        logger: Logger
    ) async throws {
        var writer = try await PostgresSettingVersionWriter(connection, lock, now: self.clock(), logger: logger)
        try await writer.versionServerEdits(Set(records))
        try await writer.finish()
    }
}

/// Writes field versions for one account inside a transaction on PostgreSQL, under its
/// settings lock: the reads and writes around ``TetherStore/SettingVersioner``, keeping the
/// settings tables in step. Field writes are batched until ``finish()``.
struct PostgresSettingVersionWriter {
    private let connection: PostgresConnection
    private let logger: Logger
    private let now: Date
    private var versioner: SettingVersioner

    /// Starts from the locked clock; an account never versioned gets every record it has in
    /// the settings tables versioned as server edits first.
    init(_ connection: PostgresConnection, _ lock: SettingsLock, now: Date, logger: Logger) async throws {
        self.connection = connection
        self.logger = logger
        self.now = now
        self.versioner = SettingVersioner(account: lock.account, clock: lock.clock, now: now)
        if self.versioner.isFirstVersioning {
            self.versioner.versionEverything(
                try await PostgresSettingsProjection.allRecords(connection, account: lock.account, logger: logger)
            )
        }
    }

    private var account: AccountID { self.versioner.account }

    /// The fields of `records` as they stand in this transaction, in one query.
    func held(_ records: [SettingRecordID]) async throws -> [SettingRecordID: [String: SettingFieldState]] {
        var stored: [SettingRecordID: [SettingFieldRow]] = [:]
        if !records.isEmpty {
            let rows = try await self.connection.query(
                """
                SELECT \(unescaped: SettingFieldRow.columns) FROM setting_field
                WHERE account_id = \(self.account.rawValue)
                    AND (collection, record_id) IN (
                        SELECT * FROM unnest(\(records.map(\.collection.rawValue))::text[], \(records.map(\.record))::text[])
                    )
                """,
                logger: self.logger
            )
            for row in try await SettingFieldRow.decode(rows) {
                stored[try row.key().recordID, default: []].append(row)
            }
        }
        var held: [SettingRecordID: [String: SettingFieldState]] = [:]
        for id in records {
            held[id] = self.versioner.held(try SettingFieldRow.fields(stored[id] ?? []), of: id)
        }
        return held
    }

    /// Stores merged field states of a record and writes the record to the settings tables.
    mutating func write(
        _ id: SettingRecordID,
        changed: [String: SettingFieldState],
        held: [String: SettingFieldState]
    ) async throws {
        guard let record = self.versioner.write(id, changed: changed, held: held) else { return }
        try await PostgresSettingsProjection.write(
            self.connection,
            account: self.account,
            id,
            fields: record.fields,
            deleted: record.deleted,
            now: self.now,
            logger: self.logger
        )
    }

    /// Versions every difference between `records` in the account's settings tables and their
    /// stored fields.
    mutating func versionServerEdits(_ records: Set<SettingRecordID>) async throws {
        let sorted = records.sorted()
        let held = try await self.held(sorted)
        for id in sorted {
            let current = try await PostgresSettingsProjection.record(
                self.connection,
                account: self.account,
                id,
                logger: self.logger
            )
            self.versioner.versionServerEdit(id, current: current, held: held[id] ?? [:])
        }
    }

    /// Writes the field versions (one delete, one upsert), saves the clock and raises the
    /// account's change number.
    mutating func finish() async throws {
        let writes = try self.versioner.takeWrites()
        let account = self.account.rawValue
        if !writes.drops.isEmpty {
            try await self.connection.query(
                """
                DELETE FROM setting_field
                WHERE account_id = \(account) AND field <> \(SettingKey.deletedField)
                    AND (collection, record_id) IN (
                        SELECT * FROM unnest(
                            \(writes.drops.map(\.collection.rawValue))::text[], \(writes.drops.map(\.record))::text[])
                    )
                """,
                logger: self.logger
            )
        }
        let rows = writes.rows
        if !rows.isEmpty {
            try await self.connection.query(
                """
                INSERT INTO setting_field (\(unescaped: SettingFieldRow.columns))
                SELECT \(account), * FROM unnest(
                    \(rows.map(\.collection))::text[], \(rows.map(\.recordId))::text[], \(rows.map(\.field))::text[],
                    \(rows.map(\.value))::text[], \(rows.map(\.vector))::text[], \(rows.map(\.stampMs))::int8[],
                    \(rows.map(\.stampCounter))::int8[], \(rows.map(\.stampReplica))::text[], \(rows.map(\.seq))::int8[])
                ON CONFLICT (account_id, collection, record_id, field) DO UPDATE SET
                    value = excluded.value, vector = excluded.vector, stamp_ms = excluded.stamp_ms,
                    stamp_counter = excluded.stamp_counter, stamp_replica = excluded.stamp_replica, seq = excluded.seq
                """,
                logger: self.logger
            )
        }
        let clock = self.versioner.clockToSave
        try await self.connection.query(
            """
            INSERT INTO setting_clock (account_id, seq, stamp_ms, stamp_counter)
            VALUES (\(account), \(clock.seq), \(clock.stampMs), \(clock.stampCounter))
            ON CONFLICT (account_id) DO UPDATE SET
                seq = excluded.seq, stamp_ms = excluded.stamp_ms, stamp_counter = excluded.stamp_counter
            """,
            logger: self.logger
        )
        try await PostgresStore.raiseAccountChange(
            self.connection,
            account: self.account,
            .settingFields,
            logger: self.logger
        )
    }
}
