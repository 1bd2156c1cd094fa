import Foundation
import PostgresNIO

/// The ingest's statements on event rows, as prepared statements: postgres-nio prepares each on
/// a connection the first time it runs there (named by its type) and then only binds and
/// executes it, so PostgreSQL parses and plans it once per connection instead of once per call.
///
/// Each is a single-table statement over `unnest` of the call's columns, with no join for a
/// generic plan to get wrong.
enum TelemetryStatements {
    /// Records in `telemetry_seen` the keys the devices have not stored before; returns those
    /// recorded, which are the events to store.
    struct RecordKeys: EventKeyStatement {
        static let sql = """
            INSERT INTO telemetry_seen (device, event_id)
            SELECT device, uuid_send(id) FROM unnest($1::bigint[], $2::uuid[]) AS k(device, id)
            ON CONFLICT DO NOTHING
            RETURNING device, event_id
            """
        var devices: [Int64]
        var ids: [UUID]
    }

    /// Inserts event rows, in the order given (`id` follows it).
    struct InsertEvents: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO telemetry_event (device, event_id, ts_ms, kind, received_ms, payload)
            SELECT device, uuid_send(id), ts_ms, kind, received_ms, payload
            FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])
                WITH ORDINALITY AS e(device, id, ts_ms, kind, received_ms, payload, position)
            ORDER BY position
            """
        typealias Row = ()

        var rows: PostgresTelemetryIngest.EventRows

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 6)
            bindings.append(self.rows.devices)
            bindings.append(self.rows.ids)
            bindings.append(self.rows.times)
            bindings.append(self.rows.kinds)
            bindings.append(self.rows.receipts)
            bindings.append(self.rows.payloads)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row {}
    }

    /// Of the given keys, those stored. A scalar subquery per key keeps each lookup an index
    /// probe, where a join could become a scan of the table.
    struct StoredKeys: EventKeyStatement {
        static let sql = """
            SELECT k.device, uuid_send(k.id) FROM unnest($1::bigint[], $2::uuid[]) AS k(device, id)
            WHERE (SELECT true FROM telemetry_seen s WHERE s.device = k.device AND s.event_id = uuid_send(k.id))
            """
        var devices: [Int64]
        var ids: [UUID]
    }
}

/// A statement over event keys, `$1` the devices and `$2` the event ids, that returns keys as
/// `(device, event_id)` rows.
protocol EventKeyStatement: PostgresPreparedStatement where Row == (Int64, Data) {
    var devices: [Int64] { get }
    var ids: [UUID] { get }
}

extension EventKeyStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(self.devices)
        bindings.append(self.ids)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> (Int64, Data) { try row.decode((Int64, Data).self) }
}
