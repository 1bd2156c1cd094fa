/// Names one synced setting field: which kind of record, which record, which field.
public struct SettingKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The field name that marks a record deleted (its value `true`). Deletion is final.
    public static let deletedField = "deleted"

    public var collection: SettingCollection
    /// The record: a device id, ``accountRecord`` for account-wide values, or a fence or window id.
    public var record: String

    /// The record id of account-wide rule values and do-not-disturb: `account`.
    public static let accountRecord = "account"
    public var field: String

    /// Creates a key.
    public init(_ collection: SettingCollection, record: String, field: String) {
        self.collection = collection
        self.record = record
        self.field = field
    }

    public static func < (lhs: SettingKey, rhs: SettingKey) -> Bool {
        (lhs.collection.rawValue, lhs.record, lhs.field) < (rhs.collection.rawValue, rhs.record, rhs.field)
    }

    /// `collection/record/field`.
    public var description: String { "\(self.collection.rawValue)/\(self.record)/\(self.field)" }
}

/// The kinds of settings that sync between an owner's clients.
public enum SettingCollection: String, Sendable, Hashable, Codable, CaseIterable {
    /// A device's display name (record: the device id; field `name`).
    case device
    /// Alert rule values (record: `account` or a device id).
    case rules
    /// The do-not-disturb switch and snooze (record: `account` or a device id).
    case dnd
    /// A fence (record: its id; created with every field, then only deleted).
    case fence
    /// A weekly quiet window (record: its id; created with every field, then only deleted).
    case quietWindow = "quiet_window"

    /// The fields a record of this collection has, besides ``SettingKey/deletedField``
    /// (`protocols/sync.md` gives their types).
    public var fields: [String] {
        switch self {
        case .device: ["name"]
        case .rules:
            ["allowed_distance_m", "dwell_s", "low_battery_pct", "silent_after_s", "repeat_interval_s", "phone_id"]
        case .dnd: ["enabled", "snoozed_until"]
        case .fence: ["name", "role", "device_id", "geojson", "created_at"]
        case .quietWindow: ["device_id", "days", "start_minute", "end_minute", "time_zone", "created_at"]
        }
    }

    /// Whether records of this collection are created and deleted by owners (fences and
    /// windows); the others exist with the account or its devices.
    public var isDeletable: Bool { self == .fence || self == .quietWindow }
}
