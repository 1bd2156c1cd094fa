import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The chunk and pack index: one transaction per pack, a chunk held already keeps its place.
struct BackupPackStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func aPackIsRecordedWithItsChunksAndAHeldChunkKeepsItsPlace(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
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
