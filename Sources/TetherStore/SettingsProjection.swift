public import Foundation
public import TetherCore

/// Reads the settings tables' rows as synced fields and turns merged fields back into rows: the
/// one place that knows which column each field is. Each backend reads and writes the rows.
///
/// | collection | record | fields |
/// |---|---|---|
/// | `device` | device id | `name` |
/// | `rules` | `account` or device id | `allowed_distance_m`, `dwell_s`, `low_battery_pct`, `silent_after_s`, `repeat_interval_s`, `phone_id` |
/// | `dnd` | `account` or device id | `enabled`, `snoozed_until` (Unix ms) |
/// | `fence` | fence id | `name`, `role`, `device_id`, `geojson`, `created_at` (Unix ms) |
/// | `quiet_window` | window id | `device_id`, `days` (`1,2,3` ISO weekdays), `start_minute`, `end_minute`, `time_zone`, `created_at` |
public enum SettingsProjection {
    /// Every record in the given rows, as fields.
    public static func records(
        devices: [(id: String, name: String)],
        scopes: [AlertScopeRow],
        fences: [FenceRow],
        windows: [QuietWindowRow]
    ) -> [SettingRecordID: [String: SettingValue]] {
        var records: [SettingRecordID: [String: SettingValue]] = [:]
        for device in devices {
            records[SettingRecordID(.device, device.id)] = Self.deviceFields(name: device.name)
        }
        for scope in scopes {
            records[SettingRecordID(.rules, scope.settingRecord)] = Self.fields(scope, .rules)
            records[SettingRecordID(.dnd, scope.settingRecord)] = Self.fields(scope, .dnd)
        }
        for fence in fences {
            records[SettingRecordID(.fence, fence.id)] = Self.fields(fence)
        }
        for window in windows {
            records[SettingRecordID(.quietWindow, window.id)] = Self.fields(window)
        }
        return records
    }

    /// A device's fields.
    public static func deviceFields(name: String) -> [String: SettingValue] {
        ["name": .string(name)]
    }

    /// A scope's `rules` or `dnd` fields.
    public static func fields(_ scope: AlertScopeRow, _ collection: SettingCollection) -> [String: SettingValue] {
        guard collection == .rules else {
            return [
                "enabled": scope.dndEnabled.map(SettingValue.bool) ?? .null,
                "snoozed_until": scope.snoozedUntil.map { .integer($0.milliseconds) } ?? .null,
            ]
        }
        return [
            "allowed_distance_m": scope.allowedDistanceM.map(SettingValue.number) ?? .null,
            "dwell_s": Self.integer(scope.dwellS),
            "low_battery_pct": Self.integer(scope.lowBatteryPct),
            "silent_after_s": Self.integer(scope.silentAfterS),
            "repeat_interval_s": Self.integer(scope.repeatIntervalS),
            "phone_id": scope.phoneId.map(SettingValue.string) ?? .null,
        ]
    }

    /// A fence's fields.
    public static func fields(_ fence: FenceRow) -> [String: SettingValue] {
        [
            "name": .string(fence.name),
            "role": .string(fence.role),
            "device_id": fence.deviceId.map(SettingValue.string) ?? .null,
            "geojson": .string(fence.geojson),
            "created_at": .integer(fence.createdAt.milliseconds),
        ]
    }

    /// A window's fields.
    public static func fields(_ window: QuietWindowRow) -> [String: SettingValue] {
        [
            "device_id": window.deviceId.map(SettingValue.string) ?? .null,
            "days": .string(window.days),
            "start_minute": .integer(Int64(window.startMinute)),
            "end_minute": .integer(Int64(window.endMinute)),
            "time_zone": .string(window.timeZone),
            "created_at": .integer(window.createdAt.milliseconds),
        ]
    }

    /// Sets the columns of `collection` (`rules` or `dnd`) in `scope` from merged fields; the
    /// other collection's columns stay.
    public static func apply(
        _ fields: [String: SettingValue],
        _ collection: SettingCollection,
        to scope: inout AlertScopeRow
    ) {
        if collection == .rules {
            scope.allowedDistanceM = fields["allowed_distance_m"]?.number
            scope.dwellS = fields["dwell_s"]?.integer.map(Int.init)
            scope.lowBatteryPct = fields["low_battery_pct"]?.integer.map(Int.init)
            scope.silentAfterS = fields["silent_after_s"]?.integer.map(Int.init)
            scope.repeatIntervalS = fields["repeat_interval_s"]?.integer.map(Int.init)
            scope.phoneId = fields["phone_id"]?.string
        } else {
            scope.dndEnabled = fields["enabled"]?.bool
            scope.snoozedUntil = fields["snoozed_until"]?.integer.map(Date.init(milliseconds:))
        }
    }

    /// The device id of a `rules` or `dnd` record (`nil`: the account's).
    public static func scopeDevice(_ id: SettingRecordID) -> String? {
        id.record == SettingKey.accountRecord ? nil : id.record
    }

    /// The fence row of merged fields; a fence without `created_at` was created `now`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `changes` when a field is missing or the
    ///   role unknown.
    public static func fence(
        _ id: SettingRecordID,
        account: AccountID,
        fields: [String: SettingValue],
        now: Date
    ) throws -> FenceRow {
        guard let name = fields["name"]?.string, let role = fields["role"]?.string,
            let geojson = fields["geojson"]?.string
        else { throw TetherError.invalidField("changes", "fence \(id.record) needs name, role and geojson") }
        guard let role = FenceRole(rawValue: role) else {
            throw TetherError.invalidField("changes", "fence \(id.record) has an unknown role \"\(role)\"")
        }
        return FenceRow(
            FenceRecord(
                id: id.record,
                account: account,
                device: fields["device_id"]?.string.map(DeviceID.init(rawValue:)),
                name: name,
                role: role,
                geoJSON: geojson,
                createdAt: fields["created_at"]?.integer.map(Date.init(milliseconds:)) ?? now
            )
        )
    }

    /// The window row of merged fields; a window without `created_at` was created `now`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `changes` when a field is missing.
    public static func window(
        _ id: SettingRecordID,
        account: AccountID,
        fields: [String: SettingValue],
        now: Date
    ) throws -> QuietWindowRow {
        guard let days = fields["days"]?.string, let start = fields["start_minute"]?.integer,
            let end = fields["end_minute"]?.integer, let timeZone = fields["time_zone"]?.string
        else {
            throw TetherError.invalidField(
                "changes",
                "quiet window \(id.record) needs days, start_minute, end_minute and time_zone"
            )
        }
        return QuietWindowRow(
            id: id.record,
            accountId: account.rawValue,
            deviceId: fields["device_id"]?.string,
            days: days,
            startMinute: Int(clamping: start),
            endMinute: Int(clamping: end),
            timeZone: timeZone,
            createdAt: fields["created_at"]?.integer.map(Date.init(milliseconds:)) ?? now
        )
    }

    private static func integer(_ value: Int?) -> SettingValue {
        value.map { .integer(Int64($0)) } ?? .null
    }
}
