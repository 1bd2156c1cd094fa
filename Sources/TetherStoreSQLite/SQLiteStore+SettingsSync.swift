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
                fences: try Self.count(db, FenceRecordRow.self, account: account),
                windows: try Self.count(db, QuietWindowRow.self, account: account)
            )
            // The first edit of each record the push adds, by collection: a cap error names one.
            var added: [SettingCollection: Int] = [:]
            var writer = try SettingVersionWriter(db, account: account, now: now)
            var conflicts: [SettingConflict] = []
            let byRecord = Dictionary(grouping: edits.indices) {
                SettingRecordID(edits[$0].key.collection, edits[$0].key.record)
            }
            for id in byRecord.keys.sorted() {
                let positions = byRecord[id] ?? []
                // Several edits of one field in a batch merge among themselves first.
                var incoming: [String: SettingFieldState] = [:]
                for edit in positions.map({ edits[$0] }) {
                    incoming[edit.key.field] =
                        SettingMerge.merge(edit.state, into: incoming[edit.key.field]).newState
                        ?? incoming[edit.key.field]
                }
                let held = try SettingFieldRow.fields(db, account: account, id)
                let outcome = SettingRecordMerge.merge(
                    incoming,
                    into: held,
                    collection: id.collection,
                    record: id.record
                )
                conflicts += outcome.conflicts
                if !outcome.changed.isEmpty {
                    // The record as it would be written obeys the rules REST writes obey.
                    let merged = held.merging(outcome.changed) { $1 }
                    let first = positions.min() ?? 0
                    if merged[SettingKey.deletedField]?.value != .bool(true) {
                        try AlertSettingsRules.syncedRecord(
                            (id.collection, id.record),
                            merged.mapValues(\.value),
                            field: "changes[\(first)].record"
                        )
                        if id.collection.isDeletable,
                            try SettingsProjection.record(db, account: account, id) == nil
                        {
                            added[id.collection] = min(added[id.collection] ?? first, first)
                        }
                    }
                }
                try writer.write(id, changed: outcome.changed, held: held)
            }
            // The caps, counted in this transaction (AlertSettingsCaps.exceeds says what counts).
            let fences = try Self.count(db, FenceRecordRow.self, account: account)
            if AlertSettingsCaps.exceeds(caps.fences, before: before.fences, after: fences) {
                throw TetherError.tooManyFences(limit: caps.fences, field: "changes[\(added[.fence] ?? 0)].record")
            }
            let windows = try Self.count(db, QuietWindowRow.self, account: account)
            if AlertSettingsCaps.exceeds(caps.quietWindows, before: before.windows, after: windows) {
                throw TetherError.tooManyQuietWindows(
                    limit: caps.quietWindows,
                    field: "changes[\(added[.quietWindow] ?? 0)].record"
                )
            }
            for conflict in conflicts {
                try SettingConflictRow(account: account, conflict, at: now).insert(db)
            }
            try writer.finish()
            return conflicts
        }
    }

    public func settingChanges(account: AccountID, after cursor: Int64, limit: Int) async throws -> [SettingChange] {
        let versioned = try await self.dbWriter.read { db in
            try SettingClockRow.exists(db, key: account.rawValue)
        }
        if !versioned {
            // An account whose settings were never versioned is versioned now, so the first
            // pull has everything.
            try await self.dbWriter.write { db in
                try SettingVersionWriter(db, account: account, now: self.clock()).finish()
            }
        }
        return try await self.dbWriter.read { db in
            try SettingFieldRow.filter(Column("account_id") == account.rawValue && Column("seq") > cursor)
                .order(Column("seq"))
                .limit(limit)
                .fetchAll(db)
                .map { SettingChange(key: try $0.key(), state: try $0.state(), sequence: $0.seq) }
        }
    }

    public func settingConflicts(account: AccountID, limit: Int) async throws -> [LoggedSettingConflict] {
        try await self.dbWriter.read { db in
            try SettingConflictRow.filter(Column("account_id") == account.rawValue)
                .order(Column("id").desc)
                .limit(limit)
                .fetchAll(db)
                .map { try $0.logged() }
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

/// Writes field versions for one account inside a transaction: numbers each write with the
/// account's sequence, stamps server edits with the server's hybrid clock, and keeps the
/// settings tables in step.
struct SettingVersionWriter {
    private let db: Database
    private let account: AccountID
    private let now: Date
    private var clockRow: SettingClockRow
    private var clock: HybridClock

    /// Loads the account's clock; an account never versioned gets every record it has in the
    /// settings tables versioned as server edits first.
    init(_ db: Database, account: AccountID, now: Date) throws {
        self.db = db
        self.account = account
        self.now = now
        if let row = try SettingClockRow.fetchOne(db, key: account.rawValue) {
            self.clockRow = row
            self.clock = row.clock
            return
        }
        self.clockRow = SettingClockRow(accountId: account.rawValue, seq: 0, stampMs: 0, stampCounter: 0)
        self.clock = HybridClock(replica: serverReplica)
        for (id, fields) in try SettingsProjection.allRecords(db, account: account).sorted(by: { $0.key < $1.key }) {
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) where value != .null {
                try self.store(
                    SettingKey(id.collection, record: id.record, field: field),
                    self.serverEdit(value, after: nil)
                )
            }
        }
    }

    /// Stores merged field states of a record and writes the record to the settings tables.
    mutating func write(
        _ id: SettingRecordID,
        changed: [String: SettingFieldState],
        held: [String: SettingFieldState]
    )
        throws
    {
        guard !changed.isEmpty else { return }
        for (field, state) in changed.sorted(by: { $0.key < $1.key }) {
            self.clock.observe(state.stamp)
            try self.store(SettingKey(id.collection, record: id.record, field: field), state)
        }
        let merged = held.merging(changed) { $1 }
        let deleted = merged[SettingKey.deletedField]?.value == .bool(true)
        if deleted { try self.dropFields(of: id) }
        try SettingsProjection.write(
            self.db,
            account: self.account,
            id,
            fields: merged.mapValues(\.value),
            deleted: deleted,
            now: self.now
        )
    }

    /// Versions every difference between `records` in the account's settings tables and their
    /// stored fields.
    mutating func versionServerEdits(_ records: Set<SettingRecordID>) throws {
        for id in records.sorted() {
            try self.versionServerEdit(id, current: SettingsProjection.record(self.db, account: self.account, id))
        }
    }

    /// Versions the difference between one record in the settings tables (`nil`: not there) and
    /// its stored fields.
    private mutating func versionServerEdit(_ id: SettingRecordID, current: [String: SettingValue]?) throws {
        let held = try SettingFieldRow.fields(self.db, account: self.account, id)
        let heldDeletion = held[SettingKey.deletedField]
        guard let current else {
            // Gone from the tables: a tombstone that has seen every field held.
            guard !held.isEmpty, heldDeletion?.value != .bool(true) else { return }
            let history = held.values.reduce(VersionVector()) { $0.merged(with: $1.vector) }
            try self.dropFields(of: id)
            try self.store(id.key(SettingKey.deletedField), self.serverEdit(.bool(true), history: history))
            return
        }
        if let heldDeletion, heldDeletion.value == .bool(true) {
            // Back again (a device paired anew under its id).
            try self.store(id.key(SettingKey.deletedField), self.serverEdit(.bool(false), after: heldDeletion))
        }
        for (field, value) in current.sorted(by: { $0.key < $1.key }) where value != (held[field]?.value ?? .null) {
            try self.store(id.key(field), self.serverEdit(value, after: held[field]))
        }
    }

    /// Saves the clock and raises the account's change number.
    func finish() throws {
        var row = self.clockRow
        row.keep(self.clock)
        try row.save(self.db)
        try SQLiteStore.raiseAccountChange(self.db, account: self.account, .settingFields)
    }

    private mutating func serverEdit(_ value: SettingValue, after held: SettingFieldState?) -> SettingFieldState {
        self.serverEdit(value, history: held?.vector ?? VersionVector())
    }

    private mutating func serverEdit(_ value: SettingValue, history: VersionVector) -> SettingFieldState {
        let counter = UInt64(self.clockRow.seq + 1)
        return SettingFieldState(
            value: value,
            vector: history.advanced(for: serverReplica, to: counter),
            stamp: self.clock.tick(nowMillis: self.now.milliseconds)
        )
    }

    private mutating func store(_ key: SettingKey, _ state: SettingFieldState) throws {
        self.clockRow.seq += 1
        try SettingFieldRow(account: self.account, key: key, state: state, seq: self.clockRow.seq).save(self.db)
    }

    /// Keeps only the deletion flag of a deleted record.
    private func dropFields(of id: SettingRecordID) throws {
        try self.db.execute(
            sql: """
                DELETE FROM setting_field
                WHERE account_id = ? AND collection = ? AND record_id = ? AND field != ?
                """,
            arguments: [self.account.rawValue, id.collection.rawValue, id.record, SettingKey.deletedField]
        )
    }
}

extension SettingRecordID {
    func key(_ field: String) -> SettingKey {
        SettingKey(self.collection, record: self.record, field: field)
    }
}
