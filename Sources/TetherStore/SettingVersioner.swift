public import Foundation
public import TetherCore

/// Versions one account's setting fields inside one transaction, without touching the database:
/// numbers each field write with the account's sequence, stamps server edits with the server's
/// hybrid clock, and collects the writes, which the backend applies with ``takeWrites()``.
///
/// A backend holds the account's settings lock (``SettingsSyncStore``) for the whole
/// transaction, reads the clock row and the fields it needs, and hands them in; between reads
/// and ``takeWrites()`` it sees stored fields through ``held(_:of:)``, which lays the pending
/// writes over them.
public struct SettingVersioner: Sendable {
    /// The writes a backend applies: first delete every field but ``SettingKey/deletedField``
    /// of each record in `drops`, then upsert `rows` (one per key).
    public struct Writes: Sendable, Hashable {
        /// Records whose fields but the deletion flag go.
        public var drops: [SettingRecordID]
        /// Field rows to insert or replace, in sequence order.
        public var rows: [SettingFieldRow]

        /// Whether there is nothing to write.
        public var isEmpty: Bool { self.drops.isEmpty && self.rows.isEmpty }
    }

    public let account: AccountID
    /// Whether the account had no clock row: its records were never versioned.
    public let isFirstVersioning: Bool
    private let now: Date
    private var clockRow: SettingClockRow
    private var clock: HybridClock
    private var stores: [SettingKey: (state: SettingFieldState, seq: Int64)] = [:]
    private var drops: Set<SettingRecordID> = []

    /// Starts from the account's clock row (`nil`: the account has none yet).
    public init(account: AccountID, clock stored: SettingClockRow?, now: Date) {
        self.account = account
        self.now = now
        self.isFirstVersioning = stored == nil
        self.clockRow = stored ?? SettingClockRow(accountId: account.rawValue, seq: 0, stampMs: 0, stampCounter: 0)
        self.clock = self.clockRow.clock
    }

    /// The clock row to save at the end of the transaction.
    public var clockToSave: SettingClockRow {
        var row = self.clockRow
        row.keep(self.clock)
        return row
    }

    /// Versions every record of an account never versioned (its every non-null field) as server edits.
    public mutating func versionEverything(_ records: [SettingRecordID: [String: SettingValue]]) {
        for (id, fields) in records.sorted(by: { $0.key < $1.key }) {
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) where value != .null {
                self.store(id.key(field), self.serverEdit(value, history: VersionVector()))
            }
        }
    }

    /// A record's fields as they stand in this transaction: `stored` (read from the database)
    /// with the pending writes laid over.
    public func held(_ stored: [String: SettingFieldState], of id: SettingRecordID) -> [String: SettingFieldState] {
        var fields = stored
        if self.drops.contains(id) { fields = fields.filter { $0.key == SettingKey.deletedField } }
        for (key, write) in self.stores where key.recordID == id {
            fields[key.field] = write.state
        }
        return fields
    }

    /// Stores the merged field states of a record (`changed`, merged into `held`) and returns
    /// the record as the settings tables should now hold it; `nil` when nothing changed.
    public mutating func write(
        _ id: SettingRecordID,
        changed: [String: SettingFieldState],
        held: [String: SettingFieldState]
    ) -> (fields: [String: SettingValue], deleted: Bool)? {
        guard !changed.isEmpty else { return nil }
        for (field, state) in changed.sorted(by: { $0.key < $1.key }) {
            self.clock.observe(state.stamp)
            self.store(id.key(field), state)
        }
        let merged = held.merging(changed) { $1 }
        let deleted = merged[SettingKey.deletedField]?.value == .bool(true)
        if deleted { self.drop(id) }
        return (merged.mapValues(\.value), deleted)
    }

    /// Versions the difference between one record in the settings tables (`current`, `nil`: not
    /// there) and its fields (`held`, from ``held(_:of:)``) as a server edit.
    public mutating func versionServerEdit(
        _ id: SettingRecordID,
        current: [String: SettingValue]?,
        held: [String: SettingFieldState]
    ) {
        let heldDeletion = held[SettingKey.deletedField]
        guard let current else {
            // Gone from the tables: a tombstone that has seen every field held.
            guard !held.isEmpty, heldDeletion?.value != .bool(true) else { return }
            let history = held.values.reduce(VersionVector()) { $0.merged(with: $1.vector) }
            self.drop(id)
            self.store(id.key(SettingKey.deletedField), self.serverEdit(.bool(true), history: history))
            return
        }
        if let heldDeletion, heldDeletion.value == .bool(true) {
            // Back again (a device paired anew under its id).
            self.store(
                id.key(SettingKey.deletedField),
                self.serverEdit(.bool(false), history: heldDeletion.vector)
            )
        }
        for (field, value) in current.sorted(by: { $0.key < $1.key }) where value != (held[field]?.value ?? .null) {
            self.store(id.key(field), self.serverEdit(value, history: held[field]?.vector ?? VersionVector()))
        }
    }

    /// The pending writes, as rows; afterwards none are pending.
    public mutating func takeWrites() throws -> Writes {
        let rows = try self.stores.sorted { $0.value.seq < $1.value.seq }.map { key, write in
            try SettingFieldRow(account: self.account, key: key, state: write.state, seq: write.seq)
        }
        let writes = Writes(drops: self.drops.sorted(), rows: rows)
        self.stores = [:]
        self.drops = []
        return writes
    }

    private mutating func serverEdit(_ value: SettingValue, history: VersionVector) -> SettingFieldState {
        let counter = UInt64(self.clockRow.seq + 1)
        return SettingFieldState(
            value: value,
            vector: history.advanced(for: serverReplica, to: counter),
            stamp: self.clock.tick(nowMillis: self.now.milliseconds)
        )
    }

    private mutating func store(_ key: SettingKey, _ state: SettingFieldState) {
        self.clockRow.seq += 1
        self.stores[key] = (state, self.clockRow.seq)
    }

    /// Keeps only the deletion flag of a deleted record.
    private mutating func drop(_ id: SettingRecordID) {
        self.drops.insert(id)
        for key in self.stores.keys where key.recordID == id && key.field != SettingKey.deletedField {
            self.stores[key] = nil
        }
    }
}
