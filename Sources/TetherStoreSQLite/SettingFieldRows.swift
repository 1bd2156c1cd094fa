import Foundation
import GRDB
import TetherCore
import TetherStore

/// A `setting_field` row: one synced field, its value and version.
struct SettingFieldRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting_field"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var accountId: String
    var collection: String
    var recordId: String
    var field: String
    var value: String
    var vector: String
    var stampMs: Int64
    var stampCounter: Int64
    var stampReplica: String
    var seq: Int64

    init(account: AccountID, key: SettingKey, state: SettingFieldState, seq: Int64) throws {
        self.accountId = account.rawValue
        self.collection = key.collection.rawValue
        self.recordId = key.record
        self.field = key.field
        self.value = try SettingJSON.encode(state.value)
        self.vector = try SettingJSON.encode(state.vector)
        self.stampMs = state.stamp.wallMillis
        self.stampCounter = Int64(state.stamp.counter)
        self.stampReplica = state.stamp.replica
        self.seq = seq
    }

    func key() throws -> SettingKey {
        guard let collection = SettingCollection(rawValue: self.collection) else {
            throw StoreCorruption(table: Self.databaseTableName, column: "collection")
        }
        return SettingKey(collection, record: self.recordId, field: self.field)
    }

    func state() throws -> SettingFieldState {
        SettingFieldState(
            value: try SettingJSON.decode(SettingValue.self, from: self.value, column: "value"),
            vector: try SettingJSON.decode(VersionVector.self, from: self.vector, column: "vector"),
            stamp: HybridTimestamp(
                wallMillis: self.stampMs,
                counter: UInt32(clamping: self.stampCounter),
                replica: self.stampReplica
            )
        )
    }

    /// The stored fields of one record.
    static func fields(_ db: Database, account: AccountID, _ id: SettingRecordID) throws -> [String: SettingFieldState]
    {
        let rows = try SettingFieldRow.filter(
            Column("account_id") == account.rawValue && Column("collection") == id.collection.rawValue
                && Column("record_id") == id.record
        ).fetchAll(db)
        return try Dictionary(uniqueKeysWithValues: rows.map { ($0.field, try $0.state()) })
    }
}

/// A `setting_clock` row: the account's write counter and the server's hybrid clock for it.
struct SettingClockRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting_clock"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var accountId: String
    var seq: Int64
    var stampMs: Int64
    var stampCounter: Int64

    var clock: HybridClock {
        var clock = HybridClock(replica: serverReplica)
        clock.observe(
            HybridTimestamp(wallMillis: self.stampMs, counter: UInt32(clamping: self.stampCounter), replica: "")
        )
        return clock
    }

    mutating func keep(_ clock: HybridClock) {
        self.stampMs = clock.last.wallMillis
        self.stampCounter = Int64(clock.last.counter)
    }
}

/// A `setting_conflict` row.
struct SettingConflictRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "setting_conflict"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var accountId: String
    var collection: String
    var recordId: String
    var field: String
    var reason: String
    var losing: String
    var winning: String
    var detectedAt: Date

    init(account: AccountID, _ conflict: SettingConflict, at date: Date) throws {
        self.accountId = account.rawValue
        self.collection = conflict.key.collection.rawValue
        self.recordId = conflict.key.record
        self.field = conflict.key.field
        self.reason = conflict.reason.rawValue
        self.losing = try SettingJSON.encode(conflict.losing)
        self.winning = try SettingJSON.encode(conflict.winning)
        self.detectedAt = date
    }

    func logged() throws -> LoggedSettingConflict {
        guard let collection = SettingCollection(rawValue: self.collection),
            let reason = SettingConflict.Reason(rawValue: self.reason)
        else { throw StoreCorruption(table: Self.databaseTableName, column: "collection") }
        let conflict = SettingConflict(
            key: SettingKey(collection, record: self.recordId, field: self.field),
            losing: try SettingJSON.decode(SettingFieldState.self, from: self.losing, column: "losing"),
            winning: try SettingJSON.decode(SettingFieldState.self, from: self.winning, column: "winning"),
            reason: reason
        )
        return LoggedSettingConflict(conflict: conflict, detectedAt: self.detectedAt)
    }
}

/// JSON text for the setting columns, with sorted keys so equal values store equal text.
enum SettingJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreCorruption(table: "setting", column: column)
        }
    }
}
