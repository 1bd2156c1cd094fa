import Logging
import PostgresNIO
import TetherCore
import TetherStore

/// One partition of `telemetry_event`: the events of one UTC month of device time, in the table
/// `telemetry_event_yYYYYmMM`.
///
/// Partitions are made when needed. An insert of an event whose month has no partition fails
/// (there is no DEFAULT partition to catch it), ingest rolls back, calls
/// ``create(covering:on:logger:)`` and runs again, so the usual ingest pays nothing for the
/// check. Creation takes a transaction-scoped advisory lock and skips months whose table exists,
/// so concurrent ingests of a new month make it once; it creates a plain table and attaches it,
/// which holds only a SHARE UPDATE EXCLUSIVE lock on `telemetry_event` (`CREATE TABLE …
/// PARTITION OF` would take ACCESS EXCLUSIVE and wait for every reader). Without a DEFAULT
/// partition no attach has to scan or move rows.
///
/// Retention drops a partition whole when every event in it was received before the cutoff
/// (``dropIfExpired(receivedBefore:on:logger:)``), under the same advisory lock.
struct TelemetryPartition: Hashable, Comparable {
    /// The first day of the month.
    let month: UTCDay

    /// The advisory lock that serialises creating and dropping partitions.
    static let lockKey = "telemetry_event partitions"

    /// The partition holding device time `milliseconds`.
    init(holding milliseconds: Int64) {
        let day = UTCDay(milliseconds: milliseconds)
        self.month = UTCDay(String(day.description.prefix(8)) + "01") ?? day
    }

    /// The partition named `name`, when it is one of ``TelemetryPartition``'s names.
    init?(name: String) {
        // telemetry_event_y2026m01
        let prefix = "telemetry_event_y"
        guard name.hasPrefix(prefix), name.count == prefix.count + 7 else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard rest.dropFirst(4).first == "m", let month = UTCDay("\(rest.prefix(4))-\(rest.suffix(2))-01") else {
            return nil
        }
        self.month = month
    }

    /// The table's name.
    var name: String {
        let text = self.month.description  // YYYY-MM-DD
        return "telemetry_event_y\(text.prefix(4))m\(text.dropFirst(5).prefix(2))"
    }

    /// The first device time it holds.
    var start: Int64 { self.month.start.milliseconds }

    /// The first device time it no longer holds (the next month's start).
    var end: Int64 { TelemetryPartition(holding: self.month.adding(days: 31).start.milliseconds).start }

    static func < (lhs: TelemetryPartition, rhs: TelemetryPartition) -> Bool { lhs.month < rhs.month }

    /// Makes the partitions that hold `timestamps` and are missing, in one transaction.
    static func create(covering timestamps: some Sequence<Int64>, on pool: PostgresPool, logger: Logger) async throws {
        let wanted = Set(timestamps.map(TelemetryPartition.init(holding:)))
        guard !wanted.isEmpty else { return }
        try await pool.transaction { connection in
            try await Self.create(wanted, on: connection, logger: logger)
        }
    }

    /// Makes the partitions that `telemetry_event` rows (copied or moved in, by column name)
    /// fall in, inside the caller's transaction: an event without its month's partition would
    /// fail its insert.
    static func create(
        holding rows: [[String: StoredValue]],
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let months = rows.compactMap { row -> TelemetryPartition? in
            guard case .integer(let ts) = row["ts_ms"] else { return nil }
            return TelemetryPartition(holding: ts)
        }
        try await Self.create(Set(months), on: connection, logger: logger)
    }

    /// Makes those of `wanted` that are missing, inside the caller's transaction, under the
    /// partition lock.
    static func create(
        _ wanted: Set<TelemetryPartition>,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.lockForTransaction([Self.lockKey])
        let existing = try await Self.existing(on: connection, logger: logger)
        for partition in wanted.sorted() where !existing.contains(partition) {
            // Names and bounds come from integers, never from input text.
            try await connection.query(
                """
                CREATE TABLE \(unescaped: partition.name) (LIKE telemetry_event INCLUDING DEFAULTS)
                """,
                logger: logger
            )
            try await connection.query(
                """
                ALTER TABLE telemetry_event ATTACH PARTITION \(unescaped: partition.name)
                FOR VALUES FROM (\(unescaped: String(partition.start))) TO (\(unescaped: String(partition.end)))
                """,
                logger: logger
            )
            logger.info(
                "telemetry partition created",
                metadata: ["tether.telemetry.partition": "\(partition.name)"]
            )
        }
    }

    /// The partitions `telemetry_event` has now.
    static func existing(on connection: PostgresConnection, logger: Logger) async throws -> Set<TelemetryPartition> {
        let rows = try await connection.query(
            """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'telemetry_event'::regclass
            """,
            logger: logger
        )
        var partitions: Set<TelemetryPartition> = []
        for try await name in rows.decode(String.self) {
            if let partition = TelemetryPartition(name: name) { partitions.insert(partition) }
        }
        return partitions
    }

    /// Drops the partition when every event in it was received before `cutoff` (milliseconds);
    /// returns how many events went with it, 0 when it stays.
    ///
    /// A quick look at its newest receipt (an index read) comes first, without locks. Then, in
    /// one transaction under the advisory lock: a SHARE lock on the partition (late events for
    /// its month wait; reads and other months go on), the count and the newest receipt again,
    /// the events' keys out of `telemetry_seen`, and the drop. Should an ingest already be
    /// waiting for the partition, the drop's lock on `telemetry_event` and that ingest wait for
    /// each other: PostgreSQL ends one as a deadlock, and ``PostgresPool/transaction(_:_:)``
    /// runs it again (an ingest that finds its partition gone makes it anew).
    func dropIfExpired(receivedBefore cutoff: Int64, on pool: PostgresPool, logger: Logger) async throws -> Int {
        let name = self.name
        let newest = try await pool.read { connection in
            try await Self.newestReceipt(name, on: connection, logger: logger)
        }
        if let newest, newest >= cutoff { return 0 }
        return try await pool.transaction { connection in
            try await connection.lockForTransaction([Self.lockKey])
            guard try await Self.existing(on: connection, logger: logger).contains(self) else { return 0 }
            try await connection.query("LOCK TABLE \(unescaped: name) IN SHARE MODE", logger: logger)
            var count = 0
            for try await value in try await connection.query(
                "SELECT count(*)::bigint FROM \(unescaped: name)",
                logger: logger
            ).decode(Int.self) {
                count = value
            }
            if let newest = try await Self.newestReceipt(name, on: connection, logger: logger), newest >= cutoff {
                return 0
            }
            try await connection.query(
                """
                DELETE FROM telemetry_seen s USING \(unescaped: name) e
                WHERE s.device = e.device AND s.event_id = e.event_id
                """,
                logger: logger
            )
            try await connection.query("DROP TABLE \(unescaped: name)", logger: logger)
            logger.info(
                "telemetry partition dropped",
                metadata: ["tether.telemetry.partition": "\(name)", "tether.telemetry.events": "\(count)"]
            )
            return count
        }
    }

    private static func newestReceipt(
        _ name: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws
        -> Int64?
    {
        var newest: Int64?
        for try await value in try await connection.query(
            "SELECT max(received_ms) FROM \(unescaped: name)",
            logger: logger
        ).decode(Int64?.self) {
            newest = value
        }
        return newest
    }
}
