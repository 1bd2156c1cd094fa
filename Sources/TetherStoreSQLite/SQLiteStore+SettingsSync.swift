public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func mergeSettingEdits(
        account: AccountID,
        _ edits: [SettingEdit],
        now: Date,
        caps: AlertSettingsCaps
    ) async throws -> [SettingConflict] {
        try await self.dbWriter.write { db in
            let before = (
                fences: try Self.count(db, FenceRow.Records.self, account: account),
                windows: try Self.count(db, QuietWindowRow.Records.self, account: account)
            )
            var writer = try SettingVersionWriter(db, account: account, now: now)
            var push = SettingPushMerge(edits)
            let present = try SettingsProjection.present(db, account: account, push.deletableRecords)
            var conflicts: [SettingConflict] = []
            for record in push.records {
                let held = try writer.held(record.id)
                let outcome = try push.merge(record, held: held, inTables: present.contains(record.id))
                conflicts += outcome.conflicts
                try writer.write(record.id, changed: outcome.changed, held: held)
            }
            // The caps, counted in this transaction.
            try push.checkCaps(
                caps,
                fences: (before.fences, try Self.count(db, FenceRow.Records.self, account: account)),
                windows: (before.windows, try Self.count(db, QuietWindowRow.Records.self, account: account))
            )
            for conflict in conflicts {
                try SettingConflictRow(account: account, conflict, at: now).insert(db)
            }
            try writer.finish()
            return conflicts
        }
    }

    public func settingChanges(account: AccountID, after cursor: Int64, limit: Int) async throws -> [SettingChange] {
        let versioned = try await self.dbWriter.read { db in
            try SettingClockRow.Records.exists(db, key: account.rawValue)
        }
        if !versioned {
            // An account whose settings were never versioned is versioned now, so the first
            // pull has everything.
            try await self.dbWriter.write { db in
                var writer = try SettingVersionWriter(db, account: account, now: self.clock())
                try writer.finish()
            }
        }
        return try await self.dbWriter.read { db in
            try SettingFieldRow.Records.filter(Column("account_id") == account.rawValue && Column("seq") > cursor)
                .order(Column("seq"))
                .limit(limit)
                .fetchAll(db)
                .map { try $0.row.change() }
        }
    }

    public func settingConflicts(account: AccountID, limit: Int) async throws -> [LoggedSettingConflict] {
        try await self.dbWriter.read { db in
            try SettingConflictRow.Records.filter(Column("account_id") == account.rawValue)
                .order(Column("id").desc)
                .limit(limit)
                .fetchAll(db)
                .map { try $0.row.logged() }
        }
    }

    /// Versions what an ordinary endpoint just changed in the account's settings tables, as
    /// edits of the server replica, inside the same transaction. Only `records`, the ones the
    /// caller changed, are compared, so the cost does not grow with the account (but for the
    /// first time an account is versioned at all, which versions everything it has, once).
    func versionServerEdits(_ db: Database, account: AccountID, records: [SettingRecordID]) throws {
        var writer = try SettingVersionWriter(db, account: account, now: self.clock())
        try writer.versionServerEdits(Set(records))
        try writer.finish()
    }
}

/// Writes field versions for one account inside a transaction on SQLite: the reads and writes
/// around ``TetherStore/SettingVersioner``, keeping the settings tables in step.
struct SettingVersionWriter {
    private let db: Database
    private let now: Date
    private var versioner: SettingVersioner

    /// Loads the account's clock; an account never versioned gets every record it has in the
    /// settings tables versioned as server edits first.
    init(_ db: Database, account: AccountID, now: Date) throws {
        self.db = db
        self.now = now
        self.versioner = SettingVersioner(
            account: account,
            clock: try SettingClockRow.Records.fetchOne(db, key: account.rawValue)?.row,
            now: now
        )
        if self.versioner.isFirstVersioning {
            self.versioner.versionEverything(try SettingsProjection.allRecords(db, account: account))
        }
    }

    private var account: AccountID { self.versioner.account }

    /// A record's fields as they stand in this transaction.
    func held(_ id: SettingRecordID) throws -> [String: SettingFieldState] {
        self.versioner.held(try SettingFieldRow.fields(self.db, account: self.account, id), of: id)
    }

    /// Stores merged field states of a record and writes the record to the settings tables.
    mutating func write(
        _ id: SettingRecordID,
        changed: [String: SettingFieldState],
        held: [String: SettingFieldState]
    ) throws {
        guard let record = self.versioner.write(id, changed: changed, held: held) else { return }
        try SettingsProjection.write(
            self.db,
            account: self.account,
            id,
            fields: record.fields,
            deleted: record.deleted,
            now: self.now
        )
    }

    /// Versions every difference between `records` in the account's settings tables and their
    /// stored fields.
    mutating func versionServerEdits(_ records: Set<SettingRecordID>) throws {
        for id in records.sorted() {
            let current = try SettingsProjection.record(self.db, account: self.account, id)
            self.versioner.versionServerEdit(id, current: current, held: try self.held(id))
        }
    }

    /// Writes the field versions, saves the clock and raises the account's change number.
    mutating func finish() throws {
        let writes = try self.versioner.takeWrites()
        for id in writes.drops {
            try self.db.execute(
                sql: """
                    DELETE FROM setting_field
                    WHERE account_id = ? AND collection = ? AND record_id = ? AND field != ?
                    """,
                arguments: [self.account.rawValue, id.collection.rawValue, id.record, SettingKey.deletedField]
            )
        }
        for row in writes.rows {
            try SettingFieldRow.Records(row).save(self.db)
        }
        try SettingClockRow.Records(self.versioner.clockToSave).save(self.db)
        try SQLiteStore.raiseAccountChange(self.db, account: self.account, .settingFields)
    }
}
