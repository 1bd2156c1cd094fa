import Foundation
import GRDB
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The chunk and pack index in SQLite: chunks stored before packs, one transaction per pack.
struct BackupPackStoreTests {
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

    @Test func aPackIsRecordedWithItsChunksAndAHeldChunkKeepsItsPlace() async throws {
        try await withStore(.memory) { store in
            let account = try await Fixtures(store: store).account()
            let ids = ["a", "b", "c"].map { String(repeating: $0, count: 64) }
            func record(_ id: String, offset: Int, in pack: String) -> BackupChunkRecord {
                BackupChunkRecord(id: id, size: 10, storedSize: 38, touchedAt: Times.start, pack: pack, offset: offset)
            }
            let first = try await store.recordBackupPack(
                BackupPackRecord(id: "p1", size: 76, createdAt: Times.start),
                chunks: [record(ids[0], offset: 0, in: "p1"), record(ids[1], offset: 38, in: "p1")],
                account: account.id
            )
            #expect(first == Set(ids[0...1]))
            // A racing pack with one chunk the first recorded: only the new one is recorded.
            let second = try await store.recordBackupPack(
                BackupPackRecord(id: "p2", size: 76, createdAt: Times.at(1)),
                chunks: [record(ids[1], offset: 0, in: "p2"), record(ids[2], offset: 38, in: "p2")],
                account: account.id
            )
            #expect(second == [ids[2]])
            #expect(try await store.backupChunk(account: account.id, id: ids[1])?.pack == "p1")
            let packs = try await store.backupPacks(account: account.id)
            #expect(packs.map(\.id) == ["p1", "p2"])
            #expect(packs.map(\.liveBytes) == [76, 38])
            // Only an empty pack's record can be deleted.
            #expect(try await store.deleteEmptyBackupPacks(["p1", "p2"], account: account.id).isEmpty)
        }
    }
}
