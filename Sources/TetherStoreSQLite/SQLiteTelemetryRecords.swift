import Foundation
import GRDB
import TetherCore
import TetherDomain
import TetherStore

/// A `device_state` row (``DeviceStateColumns``) as a GRDB record.
@dynamicMemberLookup
struct DeviceStateRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "device_state"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var columns: DeviceStateColumns

    init(_ columns: DeviceStateColumns) {
        self.columns = columns
    }

    init(from decoder: any Decoder) throws {
        self.columns = try DeviceStateColumns(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try self.columns.encode(to: encoder)
    }

    subscript<Value>(dynamicMember keyPath: WritableKeyPath<DeviceStateColumns, Value>) -> Value {
        get { self.columns[keyPath: keyPath] }
        set { self.columns[keyPath: keyPath] = newValue }
    }
}

/// A `version_change` row (``VersionChangeColumns``) as a GRDB record.
struct VersionChangeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "version_change"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var columns: VersionChangeColumns

    /// The row of `change` of device number `device`.
    init(device: Int64, change: VersionChange) {
        self.columns = VersionChangeColumns(device: device, change: change)
    }

    init(from decoder: any Decoder) throws {
        self.columns = try VersionChangeColumns(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try self.columns.encode(to: encoder)
    }
}
