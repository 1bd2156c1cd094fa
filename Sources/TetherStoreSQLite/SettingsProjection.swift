import Foundation
import GRDB
import TetherCore
import TetherStore

/// Reads the settings tables as synced fields and writes merged fields back: the one place that
/// knows which column each field is.
///
/// | collection | record | fields |
/// |---|---|---|
/// | `device` | device id | `name` |
/// | `rules` | `account` or device id | `allowed_distance_m`, `dwell_s`, `low_battery_pct`, `silent_after_s`, `repeat_interval_s`, `phone_id` |
/// | `dnd` | `account` or device id | `enabled`, `snoozed_until` (Unix ms) |
/// | `fence` | fence id | `name`, `role`, `device_id`, `geojson`, `created_at` (Unix ms) |
/// | `quiet_window` | window id | `device_id`, `days` (`1,2,3` ISO weekdays), `start_minute`, `end_minute`, `time_zone`, `created_at` |
enum SettingsProjection {
    /// Every record the account has in the settings tables, as fields.
    static func allRecords(_ db: Database, account: AccountID) throws -> [SettingRecordID: [String: SettingValue]] {
        var records: [SettingRecordID: [String: SettingValue]] = [:]
        let owned = Column("account_id") == account.rawValue
        for row in try Row.fetchAll(
            db,
            sql: "SELECT id, name FROM device WHERE account_id = ?",
            arguments: [account.rawValue]
        ) {
            records[SettingRecordID(.device, row["id"])] = ["name": .string(row["name"])]
        }
        for scope in try AlertScopeRecord.filter(owned).fetchAll(db) {
            let record = scope.deviceId ?? SettingKey.accountRecord
            records[SettingRecordID(.rules, record)] = Self.ruleFields(scope)
            records[SettingRecordID(.dnd, record)] = Self.dndFields(scope)
        }
        for fence in try FenceRecordRow.filter(owned).fetchAll(db) {
            records[SettingRecordID(.fence, fence.id)] = Self.fenceFields(fence)
        }
        for window in try QuietWindowRow.filter(owned).fetchAll(db) {
            records[SettingRecordID(.quietWindow, window.id)] = Self.windowFields(window)
        }
        return records
    }

    /// One record as fields; `nil` when the settings tables do not have it.
    static func record(_ db: Database, account: AccountID, _ id: SettingRecordID) throws -> [String: SettingValue]? {
        let owned = Column("account_id") == account.rawValue
        switch id.collection {
        case .device:
            let name = try String.fetchOne(
                db,
                sql: "SELECT name FROM device WHERE id = ? AND account_id = ?",
                arguments: [id.record, account.rawValue]
            )
            return name.map { ["name": .string($0)] }
        case .rules, .dnd:
            let device = id.record == SettingKey.accountRecord ? nil : id.record
            guard let scope = try AlertScopeRecord.fetchOne(db, account: account, device: device) else { return nil }
            return id.collection == .rules ? Self.ruleFields(scope) : Self.dndFields(scope)
        case .fence:
            return try FenceRecordRow.filter(owned && Column("id") == id.record).fetchOne(db).map(Self.fenceFields)
        case .quietWindow:
            return try QuietWindowRow.filter(owned && Column("id") == id.record).fetchOne(db).map(Self.windowFields)
        }
    }

    /// The records removing `device` changes: the device, its rules and do-not-disturb values,
    /// the fences and windows that are its own, and the rules that name it as their phone.
    static func recordsTouched(
        _ db: Database,
        byRemoving device: DeviceID,
        account: AccountID
    ) throws -> [SettingRecordID] {
        let arguments: StatementArguments = [account.rawValue, device.rawValue]
        var records = [
            SettingRecordID(.device, device.rawValue), SettingRecordID(.rules, device.rawValue),
            SettingRecordID(.dnd, device.rawValue),
        ]
        records += try String.fetchAll(
            db,
            sql: "SELECT id FROM fence WHERE account_id = ? AND device_id = ?",
            arguments: arguments
        )
        .map { SettingRecordID(.fence, $0) }
        records += try String.fetchAll(
            db,
            sql: "SELECT id FROM quiet_window WHERE account_id = ? AND device_id = ?",
            arguments: arguments
        )
        .map { SettingRecordID(.quietWindow, $0) }
        records += try String.fetchAll(
            db,
            sql: "SELECT coalesce(device_id, ?) FROM alert_scope WHERE account_id = ? AND phone_id = ?",
            arguments: [SettingKey.accountRecord, account.rawValue, device.rawValue]
        )
        .map { SettingRecordID(.rules, $0) }
        return records
    }

    /// Writes a merged record to the settings tables; a deleted record is removed.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `changes` when the record cannot be
    ///   written (a fence without its shape, a device that is not the account's).
    static func write(
        _ db: Database,
        account: AccountID,
        _ id: SettingRecordID,
        fields: [String: SettingValue],
        deleted: Bool,
        now: Date
    ) throws {
        let owned = Column("account_id") == account.rawValue
        switch id.collection {
        case .device:
            // Devices come and go by pairing; sync only names them.
            guard !deleted, let name = fields["name"]?.string else { return }
            try db.execute(
                sql: "UPDATE device SET name = ? WHERE id = ? AND account_id = ?",
                arguments: [name, id.record, account.rawValue]
            )
        case .rules, .dnd:
            let device = id.record == SettingKey.accountRecord ? nil : DeviceID(rawValue: id.record)
            var scope = try AlertScopeRecord.fetch(db, account: account, device: device)
            if id.collection == .rules {
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
            try scope.save(db)
        case .fence:
            try FenceRecordRow.filter(owned && Column("id") == id.record).deleteAll(db)
            guard !deleted else { return }
            guard let name = fields["name"]?.string, let role = fields["role"]?.string,
                let geojson = fields["geojson"]?.string
            else { throw TetherError.invalidField("changes", "fence \(id.record) needs name, role and geojson") }
            guard let role = FenceRole(rawValue: role) else {
                throw TetherError.invalidField("changes", "fence \(id.record) has an unknown role \"\(role)\"")
            }
            let fence = FenceRecord(
                id: id.record,
                account: account,
                device: fields["device_id"]?.string.map(DeviceID.init(rawValue:)),
                name: name,
                role: role,
                geoJSON: geojson,
                createdAt: fields["created_at"]?.integer.map(Date.init(milliseconds:)) ?? now
            )
            try FenceRecordRow(fence).insert(db)
        case .quietWindow:
            try QuietWindowRow.filter(owned && Column("id") == id.record).deleteAll(db)
            guard !deleted else { return }
            guard let days = fields["days"]?.string, let start = fields["start_minute"]?.integer,
                let end = fields["end_minute"]?.integer, let timeZone = fields["time_zone"]?.string
            else {
                throw TetherError.invalidField(
                    "changes",
                    "quiet window \(id.record) needs days, start_minute, end_minute and time_zone"
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO quiet_window (id, account_id, device_id, days, start_minute, end_minute, time_zone, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id.record, account.rawValue, fields["device_id"]?.string, days, start, end, timeZone,
                    fields["created_at"]?.integer.map(Date.init(milliseconds:)) ?? now,
                ]
            )
        }
    }

    private static func ruleFields(_ scope: AlertScopeRecord) -> [String: SettingValue] {
        [
            "allowed_distance_m": scope.allowedDistanceM.map(SettingValue.number) ?? .null,
            "dwell_s": Self.integer(scope.dwellS),
            "low_battery_pct": Self.integer(scope.lowBatteryPct),
            "silent_after_s": Self.integer(scope.silentAfterS),
            "repeat_interval_s": Self.integer(scope.repeatIntervalS),
            "phone_id": scope.phoneId.map(SettingValue.string) ?? .null,
        ]
    }

    private static func dndFields(_ scope: AlertScopeRecord) -> [String: SettingValue] {
        [
            "enabled": scope.dndEnabled.map(SettingValue.bool) ?? .null,
            "snoozed_until": scope.snoozedUntil.map { .integer($0.milliseconds) } ?? .null,
        ]
    }

    private static func fenceFields(_ fence: FenceRecordRow) -> [String: SettingValue] {
        [
            "name": .string(fence.name),
            "role": .string(fence.role),
            "device_id": fence.deviceId.map(SettingValue.string) ?? .null,
            "geojson": .string(fence.geojson),
            "created_at": .integer(fence.createdAt.milliseconds),
        ]
    }

    private static func windowFields(_ window: QuietWindowRow) -> [String: SettingValue] {
        [
            "device_id": window.deviceId.map(SettingValue.string) ?? .null,
            "days": .string(window.days),
            "start_minute": .integer(Int64(window.startMinute)),
            "end_minute": .integer(Int64(window.endMinute)),
            "time_zone": .string(window.timeZone),
            "created_at": .integer(window.createdAt.milliseconds),
        ]
    }

    private static func integer(_ value: Int?) -> SettingValue {
        value.map { .integer(Int64($0)) } ?? .null
    }

}

/// Names one synced record: its collection and id.
struct SettingRecordID: Hashable, Comparable {
    var collection: SettingCollection
    var record: String

    init(_ collection: SettingCollection, _ record: String) {
        self.collection = collection
        self.record = record
    }

    static func < (lhs: SettingRecordID, rhs: SettingRecordID) -> Bool {
        (lhs.collection.rawValue, lhs.record) < (rhs.collection.rawValue, rhs.record)
    }
}
