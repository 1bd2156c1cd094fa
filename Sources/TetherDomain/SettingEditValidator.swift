import Foundation
public import TetherCore

/// Checks a client's setting edits before they are merged: known collections and fields, values
/// of the right type and within ``AlertSettingsRules`` (the rules the REST endpoints apply),
/// devices the account owns, stamps not from the future. Errors name the edit
/// (`changes[3].value`).
///
/// A value is checked alone here; what needs the whole record (a fence's every field, a
/// window's start and end) and the caps are checked by ``AlertSettingsRules/syncedRecord(_:_:field:)``
/// and the store after the merge.
public struct SettingEditValidator: Sendable {
    /// How far ahead of the server's clock a stamp may be (a client corrects its clock by the
    /// server's time, so more means a broken client).
    public static let allowedClockLead: Int64 = 5 * 60 * 1_000

    /// The account's devices.
    public let devices: [Device]
    /// The server's time, Unix milliseconds.
    public let nowMillis: Int64
    /// Whether a snooze is held to ``AlertSettingsRules/longestSnoozeSeconds`` from the edit's
    /// stamp: true on a wall alert clock, false on an event-time one (replays and simulations,
    /// whose events may be of any date), as the REST endpoint does.
    public let limitsSnoozes: Bool

    /// Creates a validator for one push.
    public init(devices: [Device], nowMillis: Int64, limitsSnoozes: Bool = true) {
        self.devices = devices
        self.nowMillis = nowMillis
        self.limitsSnoozes = limitsSnoozes
    }

    /// Checks edit number `index` of a push from `replica`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `changes[index]` and its part.
    public func validate(_ edit: SettingEdit, index: Int, replica: String) throws(TetherError) {
        let field = "changes[\(index)]"
        let key = edit.key
        guard key.field == SettingKey.deletedField || key.collection.fields.contains(key.field) else {
            throw .invalidField("\(field).field", "\(key.collection.rawValue) has no field \"\(key.field)\"")
        }
        guard edit.state.stamp.replica == replica else {
            throw .invalidField("\(field).stamp.replica", "must be the pushing replica \"\(replica)\"")
        }
        guard edit.state.stamp.wallMillis <= self.nowMillis + Self.allowedClockLead else {
            throw .invalidField(
                "\(field).stamp.wall_ms",
                "is ahead of the server's clock; correct the clock by server_time_ms"
            )
        }
        guard edit.state.vector.counters[replica, default: 0] > 0 else {
            throw .invalidField("\(field).vector", "must count the pushing replica's edit")
        }
        try self.validateRecord(key, field: "\(field).record")
        try self.validateValue(edit.state, of: key, field: "\(field).value")
    }

    private func validateRecord(_ key: SettingKey, field: String) throws(TetherError) {
        switch key.collection {
        case .device:
            guard self.owns(key.record) else { throw .invalidField(field, "is not a device of this account") }
        case .rules, .dnd:
            guard key.record == SettingKey.accountRecord || self.owns(key.record) else {
                throw .invalidField(field, "must be \"account\" or a device of this account")
            }
        case .fence, .quietWindow:
            guard (1...64).contains(key.record.count),
                key.record.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
            else { throw .invalidField(field, "must be 1-64 letters, digits, '_' or '-'") }
        }
    }

    private func validateValue(_ state: SettingFieldState, of key: SettingKey, field: String) throws(TetherError) {
        let value = state.value
        if key.field == SettingKey.deletedField {
            guard key.collection.isDeletable, value == .bool(true) else {
                throw .invalidField(field, "only fences and quiet windows are deleted, with true")
            }
            return
        }
        switch (key.collection, key.field) {
        case (.device, "name"), (.fence, "name"):
            guard let text = value.string else { throw .invalidField(field, "must be a name") }
            guard try AlertSettingsRules.name(text, field: field) == text else {
                throw .invalidField(field, "must not start or end with spaces")
            }
        case (.rules, "phone_id"):
            guard
                value == .null || self.devices.contains(where: { $0.id.rawValue == value.string && $0.kind == .phone })
            else { throw .invalidField(field, "must be null or a phone of this account") }
        case (.rules, _):
            try self.validateRule(value, name: key.field, field: field)
        case (.dnd, "enabled"):
            guard value == .null || value.bool != nil else { throw .invalidField(field, "must be true, false or null") }
        case (.dnd, "snoozed_until"):
            guard value == .null || value.integer != nil else {
                throw .invalidField(field, "must be Unix milliseconds or null")
            }
            if self.limitsSnoozes, let until = value.integer {
                try AlertSettingsRules.snooze(
                    until: Date(milliseconds: until),
                    setAt: Date(milliseconds: state.stamp.wallMillis),
                    field: field
                )
            }
        case (.fence, "created_at"), (.quietWindow, "created_at"):
            guard value == .null || value.integer != nil else {
                throw .invalidField(field, "must be Unix milliseconds or null")
            }
        case (.fence, "role"):
            guard value.string.flatMap(FenceRole.init(rawValue:)) != nil else {
                throw .invalidField(field, "must be keep_in, keep_out or safe")
            }
        case (.fence, "device_id"), (.quietWindow, "device_id"):
            guard value == .null || value.string.map(self.owns) == true else {
                throw .invalidField(field, "must be null or a device of this account")
            }
        case (.fence, "geojson"):
            guard let text = value.string else {
                throw .invalidField(field, "must be a GeoJSON Feature, Polygon or MultiPolygon as a string")
            }
            _ = try AlertSettingsRules.fenceShape(Data(text.utf8), field: field)
        case (.quietWindow, "days"):
            let days = value.string?.split(separator: ",").map { Int($0) } ?? []
            guard !days.isEmpty, days.allSatisfy({ $0.map((1...7).contains) == true }) else {
                throw .invalidField(field, "must be ISO weekdays like \"1,2,3\" (1 is Monday)")
            }
        case (.quietWindow, "start_minute"), (.quietWindow, "end_minute"):
            guard let minute = value.integer, (0..<1_440).contains(minute) else {
                throw .invalidField(field, "must be a minute of the day, 0-1439")
            }
        case (.quietWindow, "time_zone"):
            guard let zone = value.string, AlertSettingsRules.isTimeZone(zone) else {
                throw .invalidField(field, "must be an IANA time zone like Europe/Berlin")
            }
        default:
            throw .invalidField(field, "is not a value of \(key)")
        }
    }

    private func validateRule(_ value: SettingValue, name: String, field: String) throws(TetherError) {
        guard value != .null else { return }
        var rules = RuleSettings()
        switch name {
        case "allowed_distance_m": rules.allowedDistanceMeters = value.number
        case "dwell_s": rules.dwellSeconds = value.integer.map(Int.init)
        case "low_battery_pct": rules.lowBatteryPercent = value.integer.map(Int.init)
        case "silent_after_s": rules.silentAfterSeconds = value.integer.map(Int.init)
        default: rules.repeatIntervalSeconds = value.integer.map(Int.init)
        }
        guard !rules.isEmpty else { throw .invalidField(field, "must be a number or null") }
        do {
            try rules.validate()
        } catch {
            throw .invalidField(field, error.detail)
        }
    }

    private func owns(_ device: String) -> Bool {
        self.devices.contains { $0.id.rawValue == device }
    }
}
