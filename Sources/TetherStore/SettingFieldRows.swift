public import Foundation
public import TetherCore

// The rows of the settings-sync tables as every backend stores them. Property names are the
// columns' names in camel case; JSON columns hold ``SettingJSON`` text.

/// A `setting_field` row: one synced field, its value and version.
public struct SettingFieldRow: Sendable, Hashable, Codable {
    public static let table = "setting_field"

    public var accountId: String
    public var collection: String
    public var recordId: String
    public var field: String
    public var value: String
    public var vector: String
    public var stampMs: Int64
    public var stampCounter: Int64
    public var stampReplica: String
    public var seq: Int64

    /// A row with every column given.
    public init(
        accountId: String,
        collection: String,
        recordId: String,
        field: String,
        value: String,
        vector: String,
        stampMs: Int64,
        stampCounter: Int64,
        stampReplica: String,
        seq: Int64
    ) {
        self.accountId = accountId
        self.collection = collection
        self.recordId = recordId
        self.field = field
        self.value = value
        self.vector = vector
        self.stampMs = stampMs
        self.stampCounter = stampCounter
        self.stampReplica = stampReplica
        self.seq = seq
    }

    /// The row of a field state written at `seq`.
    public init(account: AccountID, key: SettingKey, state: SettingFieldState, seq: Int64) throws {
        self.init(
            accountId: account.rawValue,
            collection: key.collection.rawValue,
            recordId: key.record,
            field: key.field,
            value: try SettingJSON.encode(state.value),
            vector: try SettingJSON.encode(state.vector),
            stampMs: state.stamp.wallMillis,
            stampCounter: Int64(state.stamp.counter),
            stampReplica: state.stamp.replica,
            seq: seq
        )
    }

    /// The field's key.
    public func key() throws -> SettingKey {
        guard let collection = SettingCollection(rawValue: self.collection) else {
            throw StoreCorruption(table: Self.table, column: "collection")
        }
        return SettingKey(collection, record: self.recordId, field: self.field)
    }

    /// The field's value and version.
    public func state() throws -> SettingFieldState {
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

    /// The change the row is.
    public func change() throws -> SettingChange {
        SettingChange(key: try self.key(), state: try self.state(), sequence: self.seq)
    }

    /// The stored fields of one record, by field name.
    public static func fields(_ rows: [SettingFieldRow]) throws -> [String: SettingFieldState] {
        try Dictionary(rows.map { ($0.field, try $0.state()) }, uniquingKeysWith: { $1 })
    }
}

/// A `setting_clock` row: the account's write counter and the server's hybrid clock for it.
public struct SettingClockRow: Sendable, Hashable, Codable {
    public var accountId: String
    public var seq: Int64
    public var stampMs: Int64
    public var stampCounter: Int64

    /// A row with every column given.
    public init(accountId: String, seq: Int64, stampMs: Int64, stampCounter: Int64) {
        self.accountId = accountId
        self.seq = seq
        self.stampMs = stampMs
        self.stampCounter = stampCounter
    }

    /// The server's clock as the row left it.
    public var clock: HybridClock {
        var clock = HybridClock(replica: serverReplica)
        clock.observe(
            HybridTimestamp(wallMillis: self.stampMs, counter: UInt32(clamping: self.stampCounter), replica: "")
        )
        return clock
    }

    /// Keeps the clock's last reading.
    public mutating func keep(_ clock: HybridClock) {
        self.stampMs = clock.last.wallMillis
        self.stampCounter = Int64(clock.last.counter)
    }
}

/// A `setting_conflict` row (`id` is the backend's).
public struct SettingConflictRow: Sendable, Hashable, Codable {
    public static let table = "setting_conflict"

    public var id: Int64?
    public var accountId: String
    public var collection: String
    public var recordId: String
    public var field: String
    public var reason: String
    public var losing: String
    public var winning: String
    public var detectedAt: Date

    /// A row with every column given.
    public init(
        id: Int64?,
        accountId: String,
        collection: String,
        recordId: String,
        field: String,
        reason: String,
        losing: String,
        winning: String,
        detectedAt: Date
    ) {
        self.id = id
        self.accountId = accountId
        self.collection = collection
        self.recordId = recordId
        self.field = field
        self.reason = reason
        self.losing = losing
        self.winning = winning
        self.detectedAt = detectedAt
    }

    /// The row of a conflict found at `date`.
    public init(account: AccountID, _ conflict: SettingConflict, at date: Date) throws {
        self.init(
            id: nil,
            accountId: account.rawValue,
            collection: conflict.key.collection.rawValue,
            recordId: conflict.key.record,
            field: conflict.key.field,
            reason: conflict.reason.rawValue,
            losing: try SettingJSON.encode(conflict.losing),
            winning: try SettingJSON.encode(conflict.winning),
            detectedAt: date
        )
    }

    /// The logged conflict.
    public func logged() throws -> LoggedSettingConflict {
        guard let collection = SettingCollection(rawValue: self.collection),
            let reason = SettingConflict.Reason(rawValue: self.reason)
        else { throw StoreCorruption(table: Self.table, column: "collection") }
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
public enum SettingJSON {
    /// `value` as JSON text.
    public static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Reads JSON text of `column`.
    ///
    /// - Throws: ``StoreCorruption`` when it is not a `Value`.
    public static func decode<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreCorruption(table: "setting", column: column)
        }
    }
}
