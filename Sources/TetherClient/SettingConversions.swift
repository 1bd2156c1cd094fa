// Conversions between the API's setting-sync types and TetherCore's, for the server and clients.

public import Foundation
public import OpenAPIRuntime
public import TetherAPI
public import TetherCore

extension SettingValue {
    /// Reads an API value; anything but a JSON scalar or null throws a problem naming `field`.
    public init(api container: OpenAPIValueContainer, field: String) throws(TetherError) {
        switch container.value {
        case nil: self = .null
        case let bool as Bool: self = .bool(bool)
        case let integer as Int: self = .integer(Int64(integer))
        case let integer as Int64: self = .integer(integer)
        case let number as Double: self = number.isFinite ? .number(number) : .null
        case let text as String: self = .string(text)
        default: throw .invalidField(field, "must be a string, number, boolean or null")
        }
    }

    /// The value as an API value.
    public var api: OpenAPIValueContainer {
        switch self {
        case .null: OpenAPIValueContainer(nilLiteral: ())
        case .bool(let value): OpenAPIValueContainer(booleanLiteral: value)
        case .integer(let value): OpenAPIValueContainer(integerLiteral: Int(value))
        case .number(let value): OpenAPIValueContainer(floatLiteral: value)
        case .string(let value): OpenAPIValueContainer(stringLiteral: value)
        }
    }
}

extension HybridTimestamp {
    public init(_ stamp: Components.Schemas.HybridStamp) {
        self.init(wallMillis: stamp.wallMs, counter: UInt32(clamping: stamp.counter), replica: stamp.replica)
    }
}

extension Components.Schemas.HybridStamp {
    public init(_ stamp: HybridTimestamp) {
        self.init(wallMs: stamp.wallMillis, counter: Int32(clamping: stamp.counter), replica: stamp.replica)
    }
}

extension SettingEdit {
    /// Reads the `index`th edit of a push.
    public init(_ version: Components.Schemas.SettingFieldVersion, index: Int) throws(TetherError) {
        guard let collection = SettingCollection(rawValue: version.collection.rawValue) else {
            throw .invalidField("changes[\(index)].collection", "is not a synced collection")
        }
        guard version.vector.additionalProperties.values.allSatisfy({ $0 >= 0 }) else {
            throw .invalidField("changes[\(index)].vector", "counts must not be negative")
        }
        self.init(
            key: SettingKey(collection, record: version.record, field: version.field),
            state: SettingFieldState(
                value: try SettingValue(api: version.value, field: "changes[\(index)].value"),
                vector: VersionVector(version.vector.additionalProperties.mapValues { UInt64($0) }),
                stamp: HybridTimestamp(version.stamp)
            )
        )
    }
}

extension Components.Schemas.SettingFieldVersion {
    public init(_ edit: SettingEdit) {
        let (key, state) = (edit.key, edit.state)
        self.init(
            collection: .init(rawValue: key.collection.rawValue)!,
            record: key.record,
            field: key.field,
            value: state.value.api,
            vector: .init(additionalProperties: state.vector.counters.mapValues { Int64($0) }),
            stamp: .init(state.stamp)
        )
    }
}

extension Components.Schemas.SettingConflict {
    public init(_ conflict: SettingConflict, detectedAt: Date) {
        self.init(
            collection: conflict.key.collection.rawValue,
            record: conflict.key.record,
            field: conflict.key.field,
            reason: .init(rawValue: conflict.reason.rawValue)!,
            losingValue: conflict.losing.value.api,
            losingStamp: .init(conflict.losing.stamp),
            winningValue: conflict.winning.value.api,
            winningStamp: .init(conflict.winning.stamp),
            detectedAt: detectedAt
        )
    }
}

extension SettingConflict {
    /// Reads a conflict-log entry; `nil` for a collection or reason this client does not know.
    public init?(_ conflict: Components.Schemas.SettingConflict) {
        guard let collection = SettingCollection(rawValue: conflict.collection),
            let reason = SettingConflict.Reason(rawValue: conflict.reason.rawValue),
            let losing = try? SettingValue(api: conflict.losingValue, field: "losing_value"),
            let winning = try? SettingValue(api: conflict.winningValue, field: "winning_value")
        else { return nil }
        self.init(
            key: SettingKey(collection, record: conflict.record, field: conflict.field),
            losing: SettingFieldState(
                value: losing,
                vector: VersionVector(),
                stamp: HybridTimestamp(conflict.losingStamp)
            ),
            winning: SettingFieldState(
                value: winning,
                vector: VersionVector(),
                stamp: HybridTimestamp(conflict.winningStamp)
            ),
            reason: reason
        )
    }
}
