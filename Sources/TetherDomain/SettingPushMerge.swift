public import TetherCore

/// The rules of merging a client's push of setting edits into what the store holds, record by
/// record, whatever the backend: several edits of one field in the push merge among themselves
/// first, every record the merge would write obeys ``AlertSettingsRules/syncedRecord(_:_:field:)``,
/// and a push that adds fences or windows may not take the account past its caps.
///
/// A store holds the account's settings lock, reads each record's stored fields, merges it with
/// ``merge(_:held:inTables:)``, writes the outcome, and before it commits counts the account's
/// fences and windows for ``checkCaps(_:fences:windows:)``.
public struct SettingPushMerge: Sendable {
    /// One record the push edits.
    public struct Record: Sendable, Hashable {
        public var id: SettingRecordID
        /// The push's field states, merged among themselves.
        public var incoming: [String: SettingFieldState]
        /// The index in the push of the record's first edit (errors name it).
        public var first: Int
    }

    /// The records the push edits, in record order.
    public let records: [Record]
    /// The first edit of each record the push adds, by collection: a cap error names one.
    private var added: [SettingCollection: Int] = [:]

    /// Groups a push by record.
    public init(_ edits: [SettingEdit]) {
        let byRecord = Dictionary(grouping: edits.indices) { edits[$0].key.recordID }
        self.records = byRecord.keys.sorted().map { id in
            let positions = byRecord[id] ?? []
            var incoming: [String: SettingFieldState] = [:]
            for edit in positions.map({ edits[$0] }) {
                incoming[edit.key.field] =
                    SettingMerge.merge(edit.state, into: incoming[edit.key.field]).newState
                    ?? incoming[edit.key.field]
            }
            return Record(id: id, incoming: incoming, first: positions.min() ?? 0)
        }
    }

    /// The fences and windows the push edits: those whose presence in the settings tables
    /// ``merge(_:held:inTables:)`` needs to know.
    public var deletableRecords: [SettingRecordID] {
        self.records.map(\.id).filter(\.collection.isDeletable)
    }

    /// Merges one record into its stored fields (`held`); `inTables` says whether the settings
    /// tables hold the record (asked of fences and windows only).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `changes[i].record` when the record
    ///   as it would be written breaks a rule.
    public mutating func merge(
        _ record: Record,
        held: [String: SettingFieldState],
        inTables: Bool
    ) throws(TetherError) -> SettingRecordMerge.Outcome {
        let id = record.id
        let outcome = SettingRecordMerge.merge(
            record.incoming,
            into: held,
            collection: id.collection,
            record: id.record
        )
        guard !outcome.changed.isEmpty else { return outcome }
        // The record as it would be written obeys the rules REST writes obey.
        let merged = held.merging(outcome.changed) { $1 }
        if merged[SettingKey.deletedField]?.value != .bool(true) {
            try AlertSettingsRules.syncedRecord(
                (id.collection, id.record),
                merged.mapValues(\.value),
                field: "changes[\(record.first)].record"
            )
            if id.collection.isDeletable, !inTables {
                self.added[id.collection] = min(self.added[id.collection] ?? record.first, record.first)
            }
        }
        return outcome
    }

    /// Checks the caps against the account's fences and windows before and after the push
    /// (``AlertSettingsCaps/exceeds(_:before:after:)`` says what counts).
    ///
    /// - Throws: ``TetherError/tooManyFences(limit:field:)`` or
    ///   ``TetherError/tooManyQuietWindows(limit:field:)`` naming the first edit of a record the
    ///   push adds.
    public func checkCaps(
        _ caps: AlertSettingsCaps,
        fences: (before: Int, after: Int),
        windows: (before: Int, after: Int)
    ) throws(TetherError) {
        if AlertSettingsCaps.exceeds(caps.fences, before: fences.before, after: fences.after) {
            throw .tooManyFences(limit: caps.fences, field: "changes[\(self.added[.fence] ?? 0)].record")
        }
        if AlertSettingsCaps.exceeds(caps.quietWindows, before: windows.before, after: windows.after) {
            throw .tooManyQuietWindows(
                limit: caps.quietWindows,
                field: "changes[\(self.added[.quietWindow] ?? 0)].record"
            )
        }
    }
}
