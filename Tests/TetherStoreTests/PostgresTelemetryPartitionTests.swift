import Foundation
import Logging
import PostgresNIO
import Testing
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherTesting

/// PostgreSQL's own telemetry machinery: `telemetry_event` is partitioned by UTC month of
/// device time, partitions are made by ingest when first needed and dropped by retention when
/// every event in them expired. Accounts and devices are written with plain SQL, so these run
/// without the rest of the store.
@Suite(.enabled(if: PostgresTestCluster.isAvailable))
struct PostgresTelemetryPartitionTests {
    /// 2025-12-31T23:59:00Z, a minute before a month (and partition) boundary.
    private static let beforeBoundary = Date(timeIntervalSince1970: 1_767_225_540)

    @Test
    func aResendAcrossAPartitionBoundaryStoresNothingTwice() async throws {
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            let events = (0..<6).map { minute in
                TelemetryEvent(
                    id: UUID(),
                    timestamp: Self.beforeBoundary.addingTimeInterval(Double(minute) * 30).milliseconds,
                    payload: minute.isMultiple(of: 2) ? .sos : .connection(minute % 4 == 1 ? .connected : .disconnected)
                )
            }
            let batch = TelemetryBatch(device: device, events: events, receivedAt: Self.beforeBoundary)
            let first = try await database.store.ingest([batch])
            #expect(first.map(\.accepted) == [6])
            #expect(try await database.partitions() == ["telemetry_event_y2025m12", "telemetry_event_y2026m01"])
            #expect(try await database.count("telemetry_event_y2025m12") == 2)
            #expect(try await database.count("telemetry_event_y2026m01") == 4)

            // Resent twice in one call and once more alone.
            let again = try await database.store.ingest([batch, batch])
            #expect(again.map(\.duplicate) == [6, 6])
            #expect(again.map(\.accepted) == [0, 0])
            let third = try await database.store.ingest([batch])
            #expect(third.map(\.duplicate) == [6])
            #expect(try await database.store.telemetryEventCount() == 6)
            #expect(try await database.count("telemetry_event_y2025m12") == 2)
            #expect(try await database.count("telemetry_event_y2026m01") == 4)
            let statistics = try await database.store.dailyStatistics(from: UTCDay(Self.beforeBoundary))
            #expect(statistics.map(\.count).reduce(0, +) == 6, "each event counted once")
        }
    }

    @Test
    func migrationTwoKeepsTheEventsAVersionOneDatabaseStored() async throws {
        let stored = (0..<3).map { second in
            TelemetryEvent(
                id: UUID(),
                timestamp: Self.beforeBoundary.milliseconds + Int64(second) * 1_000,
                payload: .sos
            )
        }
        let fresh = TelemetryEvent(id: UUID(), timestamp: Self.beforeBoundary.milliseconds + 5_000, payload: .sos)
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            _ = try await database.store.ingest([
                TelemetryBatch(device: device, events: stored, receivedAt: Self.beforeBoundary)
            ])
            // Back to version 1's shape: the key and the foreign key on the partitioned table, no
            // seen-table, no trigger.
            try await database.execute("DROP TABLE telemetry_seen")
            try await database.execute("DROP TRIGGER device_state_forget_telemetry ON device_state")
            try await database.execute("DROP FUNCTION telemetry_forget_device()")
            try await database.execute("ALTER TABLE telemetry_event ADD PRIMARY KEY (device, event_id, ts_ms)")
            try await database.execute(
                """
                ALTER TABLE telemetry_event ADD CONSTRAINT telemetry_event_device_fkey
                FOREIGN KEY (device) REFERENCES device_state(number) ON DELETE CASCADE
                """
            )
            try await database.execute("DELETE FROM tether_schema_migration WHERE version = 2")

            let reopened = try await PostgresStore.open(PostgresStoreConfiguration(location: database.location))
            defer { try? reopened.close() }
            let versions = try await reopened.schemaVersions()
            #expect(versions.database == versions.known)
            let again = try await reopened.ingest([
                TelemetryBatch(device: device, events: stored + [fresh], receivedAt: Self.beforeBoundary)
            ])
            #expect(again.map(\.duplicate) == [3])
            #expect(again.map(\.accepted) == [1])
            #expect(try await reopened.telemetryEventCount() == 4)
        }
    }

    @Test
    func aRemovedDeviceTakesItsEventsAndTheirKeysWithIt() async throws {
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            let kept = try await database.device()
            for owner in [device, kept] {
                let events = (0..<3).map { _ in
                    TelemetryEvent(id: UUID(), timestamp: Self.beforeBoundary.milliseconds, payload: .sos)
                }
                _ = try await database.store.ingest([
                    TelemetryBatch(device: owner, events: events, receivedAt: Self.beforeBoundary)
                ])
            }
            try await database.execute("DELETE FROM device WHERE id = \(device.rawValue)")
            #expect(try await database.count("telemetry_event") == 3)
            #expect(try await database.count("telemetry_seen") == 3)
        }
    }

    @Test
    func anEventIDResentWithAnotherMonthsTimeIsADuplicate() async throws {
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            let id = UUID()
            let december = TelemetryEvent(id: id, timestamp: Self.beforeBoundary.milliseconds, payload: .sos)
            let january = TelemetryEvent(id: id, timestamp: december.timestamp + 86_400_000, payload: .sos)
            let first = try await database.store.ingest([
                TelemetryBatch(device: device, events: [december], receivedAt: Self.beforeBoundary)
            ])
            let second = try await database.store.ingest([
                TelemetryBatch(device: device, events: [january], receivedAt: Self.beforeBoundary)
            ])
            #expect(first.map(\.accepted) == [1])
            #expect(second.map(\.duplicate) == [1])
            #expect(try await database.store.telemetryEventCount() == 1)
        }
    }

    @Test
    func concurrentIngestsIntoANewMonthMakeItsPartitionOnce() async throws {
        try await PostgresTelemetryDatabase.with { database in
            var devices: [DeviceID] = []
            for _ in 0..<8 { devices.append(try await database.device()) }
            let store = database.store
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for device in devices {
                    group.addTask {
                        let events = (0..<5).map { second in
                            TelemetryEvent(
                                id: UUID(),
                                timestamp: Self.beforeBoundary.addingTimeInterval(120 + Double(second)).milliseconds,
                                payload: .sos
                            )
                        }
                        let outcomes = try await store.ingest([
                            TelemetryBatch(device: device, events: events, receivedAt: Self.beforeBoundary)
                        ])
                        return outcomes.map(\.accepted).reduce(0, +)
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(accepted == 40)
            #expect(try await database.partitions() == ["telemetry_event_y2026m01"])
            #expect(try await store.telemetryEventCount() == 40)
        }
    }

    @Test
    func oneBatchResentByManyConnectionsAtOnceIsStoredAndCountedOnce() async throws {
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            let events = (0..<10).map { second in
                TelemetryEvent(
                    id: UUID(),
                    timestamp: Self.beforeBoundary.addingTimeInterval(Double(second)).milliseconds,
                    payload: second.isMultiple(of: 2) ? .connection(.connected) : .connection(.disconnected)
                )
            }
            let batch = TelemetryBatch(device: device, events: events, receivedAt: Self.beforeBoundary)
            let store = database.store
            // The device's row lock makes the ingests take turns: one stores, the others find duplicates.
            let outcomes = try await withThrowingTaskGroup(of: [TelemetryBatchOutcome].self) { group in
                for _ in 0..<8 { group.addTask { try await store.ingest([batch]) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.map(\.accepted).sorted() == [0, 0, 0, 0, 0, 0, 0, 10])
            #expect(outcomes.map(\.duplicate).reduce(0, +) == 70)
            #expect(try await store.telemetryEventCount() == 10)
            let statistics = try await store.dailyStatistics(from: UTCDay(Self.beforeBoundary))
            #expect(statistics.map(\.count).reduce(0, +) == 10)
        }
    }

    @Test
    func retentionDropsAnExpiredMonthWholeAndDeletesRowsOfTheMonthAcrossTheCut() async throws {
        try await PostgresTelemetryDatabase.with { database in
            let device = try await database.device()
            let november = Date(timeIntervalSince1970: 1_762_000_000)  // 2025-11-01T12:26:40Z
            func events(_ count: Int, at start: Date) -> [TelemetryEvent] {
                (0..<count).map {
                    TelemetryEvent(
                        id: UUID(),
                        timestamp: start.addingTimeInterval(Double($0)).milliseconds,
                        payload: .sos
                    )
                }
            }
            let cut = Self.beforeBoundary.addingTimeInterval(-86_400)
            let expiredNovember = events(5, at: november)
            let expiredDecember = events(3, at: cut.addingTimeInterval(-600))
            _ = try await database.store.ingest([
                // November: all received long before the cut.
                TelemetryBatch(device: device, events: expiredNovember, receivedAt: november),
                // December: three received before the cut, two after it.
                TelemetryBatch(device: device, events: expiredDecember, receivedAt: cut - 1),
                TelemetryBatch(device: device, events: events(2, at: cut.addingTimeInterval(-300)), receivedAt: cut),
            ])
            #expect(try await database.partitions() == ["telemetry_event_y2025m11", "telemetry_event_y2025m12"])

            // A cut after November's end: November goes whole, December's rows one by one.
            let pruned = try await database.store.pruneTelemetry(
                eventsBefore: cut,
                aggregatesBefore: UTCDay(daysSinceEpoch: 0),
                limit: 100
            )
            #expect(pruned == 5 + 3)
            #expect(try await database.partitions() == ["telemetry_event_y2025m12"])
            #expect(try await database.store.telemetryEventCount() == 2)
            #expect(
                try await database.store.pruneTelemetry(
                    eventsBefore: cut,
                    aggregatesBefore: UTCDay(daysSinceEpoch: 0),
                    limit: 100
                ) == 0
            )

            // A late November event makes the month anew.
            let late = try await database.store.ingest([
                TelemetryBatch(device: device, events: events(1, at: november), receivedAt: cut)
            ])
            #expect(late.map(\.accepted) == [1])
            #expect(try await database.partitions() == ["telemetry_event_y2025m11", "telemetry_event_y2025m12"])

            // The pruned events' ids are free again, as on SQLite, whether their month went whole
            // or row by row.
            let resent = try await database.store.ingest([
                TelemetryBatch(device: device, events: expiredNovember, receivedAt: cut),
                TelemetryBatch(device: device, events: expiredDecember, receivedAt: cut),
            ])
            #expect(resent.map(\.accepted) == [5, 3])
            #expect(try await database.store.telemetryEventCount() == 2 + 1 + 5 + 3)
        }
    }
}

/// A PostgreSQL store in a database of its own, with plain-SQL accounts and devices.
private struct PostgresTelemetryDatabase {
    let store: PostgresStore
    let location: PostgresLocation

    static func with(_ body: (PostgresTelemetryDatabase) async throws -> Void) async throws {
        _ = try await PostgresTestCluster.withDatabase { location in
            let store = try await PostgresStore.open(PostgresStoreConfiguration(location: location, poolSize: 8))
            defer { try? store.close() }
            try await body(PostgresTelemetryDatabase(store: store, location: location))
        }
    }

    /// A new account with one device (model `TAG-1`); returns the device.
    func device() async throws -> DeviceID {
        let account = UUID().uuidString.lowercased()
        let device = UUID().uuidString.lowercased()
        try await self.run { connection, logger in
            try await connection.query(
                """
                INSERT INTO account (id, email, password_hash, home_region, created_at)
                VALUES (\(account), \(account + "@example.org"), 'hash', 'local', now())
                """,
                logger: logger
            )
            try await connection.query(
                """
                INSERT INTO device (id, account_id, serial, model, kind, name, credential_hash, paired_at)
                VALUES (\(device), \(account), \(device), 'TAG-1', 'tag', 'Tag', \(device), now())
                """,
                logger: logger
            )
        }
        return DeviceID(rawValue: device)
    }

    /// Runs one statement.
    func execute(_ statement: PostgresQuery) async throws {
        try await self.run { connection, logger in try await connection.query(statement, logger: logger) }
    }

    /// The partitions of `telemetry_event`, by name.
    func partitions() async throws -> [String] {
        try await self.values(
            """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'telemetry_event'::regclass ORDER BY 1
            """,
            as: String.self
        )
    }

    /// How many rows one partition holds.
    func count(_ partition: String) async throws -> Int {
        try await self.values("SELECT count(*) FROM \(unescaped: partition)", as: Int.self).first ?? -1
    }

    private func values<Value: PostgresDecodable & Sendable>(
        _ query: PostgresQuery,
        as _: Value.Type
    ) async throws
        -> [Value]
    {
        var values: [Value] = []
        try await self.run { connection, logger in
            for try await value in try await connection.query(query, logger: logger).decode(Value.self) {
                values.append(value)
            }
        }
        return values
    }

    private func run(_ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        try await PostgresTestCluster.withConnection(to: self.location, body)
    }
}
