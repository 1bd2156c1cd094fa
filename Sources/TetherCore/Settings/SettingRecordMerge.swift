/// Merges a batch of field edits into one record, with the deletion rule on top of
/// ``SettingMerge``: a deleted record stays deleted, and an edit to it that was made without
/// seeing the deletion goes to the conflict log instead of reviving it.
///
/// A deletion is the field ``SettingKey/deletedField`` set to `true`, whose history is the
/// merged history of every field of the record the deleter held, advanced by the deleter. Only
/// the server sets it back to `false` (a device paired again under its old id).
public enum SettingRecordMerge {
    /// The record after the merge: the fields that changed, and what lost.
    public struct Outcome: Sendable, Hashable {
        /// Field states to store (only those that changed).
        public var changed: [String: SettingFieldState] = [:]
        /// The conflict-log entries the merge produced.
        public var conflicts: [SettingConflict] = []

        /// Creates an empty outcome.
        public init() {}
    }

    /// Merges `incoming` (field → edit) into `held` (the record's stored fields).
    public static func merge(
        _ incoming: [String: SettingFieldState],
        into held: [String: SettingFieldState],
        collection: SettingCollection,
        record: String
    ) -> Outcome {
        var outcome = Outcome()
        // The deletion flag first: it decides whether the other edits may apply at all.
        var tombstone = held[SettingKey.deletedField]
        if let edit = incoming[SettingKey.deletedField],
            let state = SettingMerge.merge(edit, into: tombstone).newState
        {
            outcome.changed[SettingKey.deletedField] = state
            tombstone = state
        }
        if tombstone?.value != .bool(true) { tombstone = nil }
        for field in incoming.keys.sorted() where field != SettingKey.deletedField {
            guard let edit = incoming[field] else { continue }
            let key = SettingKey(collection, record: record, field: field)
            if let tombstone {
                // Edits the deletion had seen are just old; the rest were made without seeing it.
                switch edit.vector.compare(tombstone.vector) {
                case .before, .equal: break
                case .after, .concurrent:
                    guard SettingMerge.merge(edit, into: held[field]) != .unchanged else { break }
                    outcome.conflicts.append(
                        SettingConflict(key: key, losing: edit, winning: tombstone, reason: .recordDeleted)
                    )
                }
                continue
            }
            switch SettingMerge.merge(edit, into: held[field]) {
            case .unchanged: break
            case .applied(let state): outcome.changed[field] = state
            case .conflict(let state, let losing):
                outcome.changed[field] = state
                outcome.conflicts.append(
                    SettingConflict(key: key, losing: losing, winning: state, reason: .concurrentEdit)
                )
            }
        }
        return outcome
    }
}

/// A value that lost a conflict, kept so nothing is overwritten silently.
public struct SettingConflict: Sendable, Hashable, Codable {
    /// Why the value lost.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// Another edit, made without seeing this one, was stamped later.
        case concurrentEdit = "concurrent_edit"
        /// The record was deleted by someone who had not seen this edit.
        case recordDeleted = "record_deleted"
    }

    public var key: SettingKey
    /// The edit that lost.
    public var losing: SettingFieldState
    /// What the field (or, for a deletion, the record) holds instead.
    public var winning: SettingFieldState
    public var reason: Reason

    /// Creates a conflict-log entry.
    public init(key: SettingKey, losing: SettingFieldState, winning: SettingFieldState, reason: Reason) {
        self.key = key
        self.losing = losing
        self.winning = winning
        self.reason = reason
    }
}
