import Foundation
import GRDB
import TetherCore
import TetherStore

/// The settings tables read as synced fields and merged fields written back, on SQLite
/// (``TetherStore/SettingsProjection`` knows which column each field is).
extension SettingsProjection {
    /// Every record the account has in the settings tables, as fields.
    static func allRecords(_ db: Database, account: AccountID) throws -> [SettingRecordID: [String: SettingValue]] {
        let owned = Column("account_id") == account.rawValue
        return Self.records(
            devices: try Row.fetchAll(
                db,
                sql: "SELECT id, name FROM device WHERE account_id = ?",
                arguments: [account.rawValue]
            )
            .map { (id: $0["id"], name: $0["name"]) },
            scopes: try AlertScopeRow.Records.filter(owned).fetchAll(db).map(\.row),
            fences: try FenceRow.Records.filter(owned).fetchAll(db).map(\.row),
            windows: try QuietWindowRow.Records.filter(owned).fetchAll(db).map(\.row)
        )
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
            return name.map(Self.deviceFields(name:))
        case .rules, .dnd:
            guard let scope = try AlertScopeRow.fetchOne(db, account: account, device: Self.scopeDevice(id)) else {
                return nil
            }
            return Self.fields(scope, id.collection)
        case .fence:
            return try FenceRow.Records.filter(owned && Column("id") == id.record).fetchOne(db).map {
                Self.fields($0.row)
            }
        case .quietWindow:
            return try QuietWindowRow.Records.filter(owned && Column("id") == id.record).fetchOne(db)
                .map { Self.fields($0.row) }
        }
    }

    /// Which of `records` (fences and windows) the settings tables hold.
    static func present(_ db: Database, account: AccountID, _ records: [SettingRecordID]) throws -> Set<SettingRecordID>
    {
        let owned = Column("account_id") == account.rawValue
        let fences = records.filter { $0.collection == .fence }.map(\.record)
        let windows = records.filter { $0.collection == .quietWindow }.map(\.record)
        var present: Set<SettingRecordID> = []
        if !fences.isEmpty {
            for id in try String.fetchAll(
                db,
                FenceRow.Records.select(Column("id")).filter(owned && fences.contains(Column("id")))
            ) {
                present.insert(SettingRecordID(.fence, id))
            }
        }
        if !windows.isEmpty {
            let request = QuietWindowRow.Records.select(Column("id")).filter(owned && windows.contains(Column("id")))
            for id in try String.fetchAll(db, request) {
                present.insert(SettingRecordID(.quietWindow, id))
            }
        }
        return present
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
            let device = Self.scopeDevice(id).map(DeviceID.init(rawValue:))
            var scope = try AlertScopeRow.fetch(db, account: account, device: device)
            Self.apply(fields, id.collection, to: &scope)
            try scope.save(db)
        case .fence:
            try FenceRow.Records.filter(owned && Column("id") == id.record).deleteAll(db)
            guard !deleted else { return }
            try Self.fence(id, account: account, fields: fields, now: now).insert(db)
        case .quietWindow:
            try QuietWindowRow.Records.filter(owned && Column("id") == id.record).deleteAll(db)
            guard !deleted else { return }
            try Self.window(id, account: account, fields: fields, now: now).insert(db)
        }
    }
}
