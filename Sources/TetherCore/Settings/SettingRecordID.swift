/// Names one synced record: its collection and id (a ``SettingKey`` without the field).
public struct SettingRecordID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var collection: SettingCollection
    /// A device id, ``SettingKey/accountRecord``, or a fence or window id.
    public var record: String

    /// Names a record.
    public init(_ collection: SettingCollection, _ record: String) {
        self.collection = collection
        self.record = record
    }

    /// The key of one of the record's fields.
    public func key(_ field: String) -> SettingKey {
        SettingKey(self.collection, record: self.record, field: field)
    }

    public static func < (lhs: SettingRecordID, rhs: SettingRecordID) -> Bool {
        (lhs.collection.rawValue, lhs.record) < (rhs.collection.rawValue, rhs.record)
    }

    /// `collection/record`.
    public var description: String { "\(self.collection.rawValue)/\(self.record)" }
}

extension SettingKey {
    /// The record the field belongs to.
    public var recordID: SettingRecordID { SettingRecordID(self.collection, self.record) }
}
