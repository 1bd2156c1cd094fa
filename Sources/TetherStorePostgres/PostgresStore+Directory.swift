public import Foundation
import Logging
import PostgresNIO
public import TetherCore
public import TetherStore

/// ``DirectoryStore`` on PostgreSQL: reservations, entries and authoring. The directory lock is
/// the row lock of the `change_counter` row `directory`, held to the end of the transaction,
/// and the change sequence is that row's value, so numbers follow commit order.
extension PostgresStore {
    public func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws
        -> DirectoryReservation
    {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            try await Self.lockDirectory(connection, logger: logger)
            let latest = try await Self.directoryRecords(connection, emailHashes: [emailHash], logger: logger)
                .first?.version
            if let holder = try await Self.directoryHolder(connection, emailHash: emailHash, now: now, logger: logger),
                holder.region != region || holder.confirmed
            {
                return DirectoryReservation(holder: holder, latestVersion: latest)
            }
            try await connection.query(
                """
                INSERT INTO directory_reservation (email_hash, region, expires_at)
                VALUES (\(emailHash), \(region.rawValue), \(expiresAt))
                ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, expires_at = excluded.expires_at
                """,
                logger: logger
            )
            return DirectoryReservation(
                holder: DirectoryEntry(emailHash: emailHash, region: region, confirmed: false),
                latestVersion: latest
            )
        }
    }

    public func releaseDirectoryReservation(emailHash: String, region: RegionID) async throws {
        let logger = self.pool.logger
        try await self.pool.transaction { connection in
            _ = try await connection.execute(
                "DELETE FROM directory_reservation WHERE email_hash = \(emailHash) AND region = \(region.rawValue)",
                logger: logger
            )
        }
    }

    public func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry? {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await Self.directoryHolder(connection, emailHash: emailHash, now: now, logger: logger)
        }
    }

    public func accountEmails(after: String?, limit: Int) async throws -> [EmailAddress] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                "SELECT email FROM account WHERE email > \(after ?? "") ORDER BY email LIMIT \(limit)",
                logger: logger
            )
            var emails: [EmailAddress] = []
            for try await email in rows.decode(String.self) {
                if let address = try? EmailAddress(email) { emails.append(address) }
            }
            return emails
        }
    }

    public func authorDirectoryRecords(
        emailHashes: [String],
        region: RegionID,
        state: DirectoryRecord.State,
        now: Date,
        floor: DirectoryVersion?,
        sign: (@Sendable (DirectoryRecord) -> Data)?
    ) async throws
        -> [DirectoryRecord]
    {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            // The directory lock first: with it held, no other writer adds a version between
            // reading the highest and writing above it.
            try await Self.lockDirectory(connection, logger: logger)
            var highest: Int64 = 0
            for try await value in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM directory_record",
                logger: logger
            ).decode(Int64.self) {
                highest = value
            }
            var version = max(
                DirectoryVersion(wallClock: now),
                DirectoryVersion(rawValue: highest).successor,
                floor?.successor ?? DirectoryVersion(rawValue: 0)
            )
            try await connection.query(
                """
                DELETE FROM directory_reservation
                WHERE email_hash = ANY(\(emailHashes)) AND region = \(region.rawValue)
                """,
                logger: logger
            )
            var current: [String: DirectoryRecord] = [:]
            for record in try await Self.directoryRecords(connection, emailHashes: emailHashes, logger: logger) {
                current[record.emailHash] = record
            }
            var written: [DirectoryRecord] = []
            for hash in emailHashes {
                if let held = current[hash], held.region == region, held.state == state,
                    held.signature != nil || sign == nil
                {
                    continue
                }
                var record = DirectoryRecord(emailHash: hash, region: region, state: state, version: version)
                record.signature = sign?(record)
                current[hash] = record
                written.append(record)
                version = version.successor
            }
            try await Self.writeDirectoryRecords(connection, written, origin: nil, logger: logger)
            return written
        }
    }

    /// The confirmed record, else a reservation live at `now`, read in one statement.
    private static func directoryHolder(
        _ connection: PostgresConnection,
        emailHash: String,
        now: Date,
        logger: Logger
    ) async throws -> DirectoryEntry? {
        let rows = try await connection.query(
            """
            SELECT region, true FROM directory_record WHERE email_hash = \(emailHash) AND state = 'confirmed'
            UNION ALL
            SELECT region, false FROM directory_reservation WHERE email_hash = \(emailHash) AND expires_at > \(now)
            """,
            logger: logger
        )
        var holder: DirectoryEntry?
        for try await (region, confirmed) in rows.decode((String, Bool).self) {
            guard let region = RegionID(rawValue: region) else {
                throw StoreCorruption(table: confirmed ? "directory_record" : "directory_reservation", column: "region")
            }
            if holder == nil || confirmed {
                holder = DirectoryEntry(emailHash: emailHash, region: region, confirmed: confirmed)
            }
        }
        return holder
    }

    /// Takes the directory lock (the change counter's row, created at the first change) for
    /// the rest of the transaction: directory writes that read before they write (a
    /// reservation, a version above the highest, a record superseding the held one) hold it,
    /// so concurrent writers take turns.
    static func lockDirectory(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO change_counter (name, value) VALUES ('directory', 0)
            ON CONFLICT (name) DO UPDATE SET value = change_counter.value
            """,
            logger: logger
        )
    }

    /// The next `count` numbers of the directory's change sequence, in order: one atomic
    /// increment of its counter row, which stays locked until the transaction ends (the
    /// directory lock), so numbers are handed out in commit order and never reused.
    static func nextDirectorySequences(
        _ connection: PostgresConnection,
        count: Int,
        logger: Logger
    ) async throws -> ClosedRange<Int64> {
        let rows = try await connection.query(
            """
            INSERT INTO change_counter (name, value) VALUES ('directory', \(Int64(count)))
            ON CONFLICT (name) DO UPDATE SET value = change_counter.value + excluded.value
            RETURNING value
            """,
            logger: logger
        )
        var last: Int64?
        for try await value in rows.decode(Int64.self) { last = value }
        guard let last else { throw StoreCorruption(table: "change_counter", column: "value") }
        return (last - Int64(count) + 1)...last
    }

    /// Writes `records` in order (insert or replace), each at the next change sequence number;
    /// `origin` is the peer they came from (`nil`: authored here). A hash written twice keeps
    /// its last record, at the later number.
    static func writeDirectoryRecords(
        _ connection: PostgresConnection,
        _ records: [DirectoryRecord],
        origin: RegionID?,
        logger: Logger
    ) async throws {
        guard !records.isEmpty else { return }
        let sequences = try await Self.nextDirectorySequences(connection, count: records.count, logger: logger)
        var last: [String: (record: DirectoryRecord, seq: Int64)] = [:]
        for (record, seq) in zip(records, sequences) { last[record.emailHash] = (record, seq) }
        let rows = last.values.sorted { $0.seq < $1.seq }
        let signatures = PostgresNullableArray(rows.map { $0.record.signature.map { ByteBuffer(bytes: $0) } })
        try await connection.query(
            """
            INSERT INTO directory_record (email_hash, region, state, version, seq, origin, signature)
            SELECT hash, region, state, version, seq, \(origin?.rawValue), signature
            FROM unnest(\(rows.map { $0.record.emailHash }), \(rows.map { $0.record.region.rawValue }),
                \(rows.map { $0.record.state.rawValue }), \(rows.map { $0.record.version.rawValue }), \(rows.map { $0.seq }),
                \(signatures)::bytea[])
                AS written(hash, region, state, version, seq, signature)
            ON CONFLICT (email_hash) DO UPDATE SET region = excluded.region, state = excluded.state,
                version = excluded.version, seq = excluded.seq, origin = excluded.origin, signature = excluded.signature
            """,
            logger: logger
        )
    }

    /// The records held for `emailHashes`, in no particular order (one per hash).
    static func directoryRecords(
        _ connection: PostgresConnection,
        emailHashes: [String],
        logger: Logger
    ) async throws -> [DirectoryRecord] {
        let rows = try await connection.query(
            """
            SELECT email_hash, region, state, version, signature FROM directory_record
            WHERE email_hash = ANY(\(emailHashes))
            """,
            logger: logger
        )
        var records: [DirectoryRecord] = []
        for try await row in rows.decode(DirectoryRecordRow.self) {
            records.append(try Self.directoryRecord(row))
        }
        return records
    }

    /// A `directory_record` row's hash, region, state, version and signature.
    typealias DirectoryRecordRow = (String, String, String, Int64, ByteBuffer?)

    /// A `directory_record` row (hash, region, state, version, signature) as a record.
    static func directoryRecord(_ row: DirectoryRecordRow) throws -> DirectoryRecord {
        guard let region = RegionID(rawValue: row.1), let state = DirectoryRecord.State(rawValue: row.2) else {
            throw StoreCorruption(table: "directory_record", column: "region")
        }
        return DirectoryRecord(
            emailHash: row.0,
            region: region,
            state: state,
            version: DirectoryVersion(rawValue: row.3),
            signature: row.4.map { Data($0.readableBytesView) }
        )
    }
}
