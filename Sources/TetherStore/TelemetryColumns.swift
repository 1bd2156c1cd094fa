public import Foundation
public import TetherCore

/// How every backend keys and stores a telemetry event: the event id as 16 bytes (the UUID's
/// bytes in order), the kind's fields as JSON text (written by ``PayloadJSONWriter``).
public enum TelemetryColumns {
    /// The stored form of an event id.
    public static func eventID(_ id: UUID) -> Data {
        withUnsafeBytes(of: id.uuid) { Data($0) }
    }

    /// The event id of a stored key; `nil` unless it is 16 bytes.
    public static func uuid(_ data: Data) -> UUID? {
        guard data.count == 16 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { $0.copyBytes(from: data) }
        return UUID(uuid: bytes)
    }

    /// Reads a stored payload of `kind` back, without the wire checks (the store wrote it).
    public static func payload(kind: TelemetryKind, json: String) throws -> TelemetryPayload {
        let decoder = JSONDecoder()
        decoder.userInfo[.storedTelemetryPayload] = true
        return try decoder.decode(StoredPayload.self, from: Data(json.utf8), configuration: kind).payload
    }

    /// The event of a stored row.
    ///
    /// - Throws: ``UnreadableColumn`` when the id or the kind is not one a store writes; the
    ///   decoder's error when the payload is not.
    public static func event(id: Data, timestamp: Int64, kind: String, payload: String) throws -> TelemetryEvent {
        guard let id = Self.uuid(id) else { throw UnreadableColumn(column: "event_id") }
        guard let kind = TelemetryKind(rawValue: kind) else { throw UnreadableColumn(column: "kind") }
        return TelemetryEvent(id: id, timestamp: timestamp, payload: try Self.payload(kind: kind, json: payload))
    }

    /// A `telemetry_event` column holds a value no store writes.
    public struct UnreadableColumn: Error, CustomStringConvertible {
        /// The column's name.
        public var column: String

        /// An unreadable value in `column`.
        public init(column: String) {
            self.column = column
        }

        public var description: String { "unreadable value in telemetry_event.\(self.column)" }
    }

    private struct StoredPayload: DecodableWithConfiguration {
        let payload: TelemetryPayload
        init(from decoder: any Decoder, configuration kind: TelemetryKind) throws {
            self.payload = try TelemetryPayload(kind: kind, from: decoder)
        }
    }
}
