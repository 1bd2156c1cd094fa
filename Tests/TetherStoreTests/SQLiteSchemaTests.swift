import Foundation
import GRDB
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// SQLite only: migrations and the rows the tables hold, read with GRDB. What every backend
/// must do is in the conformance suite (``StoreBackendUnderTest``).
struct SQLiteSchemaTests {
    @Test func settingsReplicasOfProtocolOneAreDroppedByV17() async throws {
        let database = try DatabaseQueue()
        try await ProtocolOneReplicas.hold(in: try SQLiteStore(dbWriter: database))
        // Back to before "v17": the records stay as protocol 1 left them.
        try await database.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v17:%'")
        }
        let store = try SQLiteStore(dbWriter: database)
        #expect(try await ProtocolOneReplicas.kinds(in: store) == [.dataKey])
    }

    @Test func chunksStoredBeforePacksBecomePacksOfOneInTheMigration() async throws {
        let database = try DatabaseQueue()
        let account = try await Fixtures(store: try SQLiteStore(dbWriter: database)).account()
        // Back to the layout before "v10: backup packs", holding one chunk stored as its own blob.
        try await database.write { db in
            try db.execute(
                sql: """
                    DROP INDEX backup_chunk_pack;
                    ALTER TABLE backup_chunk DROP COLUMN pack_offset;
                    ALTER TABLE backup_chunk DROP COLUMN pack_id;
                    DROP TABLE backup_pack;
                    DELETE FROM grdb_migrations WHERE identifier = 'v10: backup packs';
                    """
            )
            try db.execute(
                sql: "INSERT INTO backup_chunk (account_id, id, size, stored_size, touched_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [account.id.rawValue, String(repeating: "ab", count: 32), 100, 128, Times.start]
            )
        }
        let store = try SQLiteStore(dbWriter: database)
        let chunk = try #require(
            try await store.backupChunk(account: account.id, id: String(repeating: "ab", count: 32))
        )
        #expect(chunk.pack == chunk.id)
        #expect(chunk.offset == 0)
        #expect(chunk.storedSize == 128)
        let packs = try await store.backupPacks(account: account.id)
        #expect(packs.map(\.id) == [chunk.id])
        #expect(packs.first?.size == 128)
        #expect(packs.first?.liveChunks == 1)
        #expect(packs.first?.liveBytes == 128)
    }

    @Test
    func theDailyStatisticTableNamesNoAccountOrDevice() async throws {
        let database = try DatabaseQueue()
        _ = try SQLiteStore(dbWriter: database)
        // The table has no account or device column at all.
        let columns = try await database.read { db in try db.columns(in: "daily_statistic").map(\.name) }
        #expect(columns == ["day", "kind", "model", "sw_version", "count"])
        let foreignKeys = try await database.read { db in try db.foreignKeys(on: "daily_statistic") }
        #expect(foreignKeys.isEmpty)
    }

    @Test
    func removingTheOnlyDeviceLeavesNoRowOfIt() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            let (ada, device) = try await pairedDevice(store)
            try await store.ingest(
                [
                    event(10, .connection(.connected)), event(20, .connection(.disconnected)),
                    event(30, usage("find", "ring", start: 30, milliseconds: 1_000)),
                    event(40, .properties(DeviceProperties(softwareVersion: "3.0"))),
                ],
                from: device
            )
            _ = try await store.removeDevice(id: device.id, account: ada.id)
            #expect(try await store.telemetryEventCount() == 0)
            let database = try DatabaseQueue(path: directory.appendingPathComponent(SQLiteStore.fileName).path)
            for table in ["device_state", "telemetry_event", "version_change", "connection_period", "daily_usage"] {
                let rows = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") }
                #expect(rows == 0, "\(table)")
            }
        }
    }

    @Test
    func noTriggerKeepsTheAccountChangeNumber() async throws {
        let database = try DatabaseQueue()
        _ = try SQLiteStore(dbWriter: database)
        let triggers = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        #expect(triggers.isEmpty)
    }

    @Test
    func theChangeNumbersMigrationDropsTheTriggersAndGoesOnFromTheNumbersHeld() async throws {
        let database = try DatabaseQueue()
        let store = try SQLiteStore(dbWriter: database)
        let fixtures = Fixtures(store: store)
        let ada = try await fixtures.account()
        let device = try await fixtures.device(for: ada)
        try await store.applyDirectoryRecords(
            [
                DirectoryRecord(
                    emailHash: "ab",
                    region: RegionID(rawValue: "eu")!,
                    state: .confirmed,
                    version: .init(rawValue: 7)
                )
            ],
            from: RegionID(rawValue: "eu")!,
            tombstoneCutoff: .distantPast
        )
        // Back to the layout before "v13": a trigger on device renames, directory numbers from
        // max(seq) + 1, and Ada's number at 40.
        try await database.write { db in
            try db.execute(
                sql: """
                    DROP TABLE change_counter;
                    DELETE FROM grdb_migrations WHERE identifier = 'v13: change numbers kept by the store';
                    UPDATE account_change SET seq = 40 WHERE account_id = '\(ada.id.rawValue)';
                    UPDATE directory_record SET seq = 5;
                    CREATE TRIGGER account_change_device_update AFTER UPDATE OF name ON device BEGIN
                        INSERT INTO account_change (account_id, seq)
                        VALUES (NEW.account_id, (SELECT coalesce(max(seq), 0) + 1 FROM account_change))
                        ON CONFLICT (account_id) DO UPDATE SET seq = excluded.seq;
                    END;
                    """
            )
        }
        let migrated = try SQLiteStore(dbWriter: database)
        let triggers = try await database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        #expect(triggers.isEmpty)
        // One rename, one raise: the store's, not a trigger's as well.
        _ = try await migrated.renameDevice(id: device.id, account: ada.id, name: "Keys")
        #expect(try await migrated.accountChangeSequences()[ada.id] == 41)
        // The directory's counter starts at the highest number held.
        #expect(try await migrated.directoryChangeSequence() == 5)
        try await migrated.authorDirectoryRecords(
            emailHashes: ["cd"],
            region: RegionID(rawValue: "eu")!,
            state: .confirmed,
            now: Times.start,
            floor: nil,
            sign: nil
        )
        #expect(try await migrated.directoryChangeSequence() == 6)
    }
}
