import Foundation
import Testing
import TetherCore
import TetherStore

/// Concurrent writers on the sync side (the directory, backups, replicas): the locks each
/// protocol names make racing calls take turns, so no answer contradicts another.
struct SyncRaceStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let regions = ["eu", "us", "sg", "au", "br", "ca", "in", "jp"].compactMap(RegionID.init(rawValue:))

    static func chunkID(_ index: Int) -> String { String(format: "%064x", index) }

    static func chunk(_ index: Int, offset: Int, in pack: String, at date: Date = Times.start) -> BackupChunkRecord {
        BackupChunkRecord(
            id: Self.chunkID(index),
            size: 10,
            storedSize: 38,
            touchedAt: date,
            pack: pack,
            offset: offset
        )
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func regionsReservingOneHashAtOnceAgreeOnOneHolder(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let hashes = (0..<12).map { String(format: "%064x", 0xe000 + $0) }
            // One writer per region (no more than the pool's connections, so none waits for one),
            // each reserving every hash, starting at a different one.
            let holders = try await withThrowingTaskGroup(of: [(String, RegionID)].self) { group in
                for (index, region) in Self.regions.enumerated() {
                    group.addTask {
                        var held: [(String, RegionID)] = []
                        for offset in hashes.indices {
                            let hash = hashes[(index + offset) % hashes.count]
                            let reservation = try await store.reserveDirectoryEntry(
                                emailHash: hash,
                                region: region,
                                expiresAt: Self.now.addingTimeInterval(600),
                                now: Self.now
                            )
                            held.append((hash, reservation.holder.region))
                        }
                        return held
                    }
                }
                return try await group.reduce(into: [String: Set<RegionID>]()) { holders, held in
                    for (hash, region) in held { holders[hash, default: []].insert(region) }
                }
            }
            for hash in hashes {
                #expect(holders[hash]?.count == 1, "every region was told the same holder")
                #expect(try await store.directoryEntry(emailHash: hash, now: Self.now)?.region == holders[hash]?.first)
            }
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func versionsAuthoredAtOnceAreDistinctAndFollowTheSequence(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.authorDirectoryRecords(
                            emailHashes: [String(format: "%064x", index), String(format: "%064x", 100 + index)],
                            region: Self.regions[0],
                            state: .confirmed,
                            now: Self.now,
                            floor: nil,
                            sign: nil
                        )
                    }
                }
                try await group.waitForAll()
            }
            let changes = try await store.directoryRecords(changedAfter: 0, notFrom: Self.regions[1], limit: 100)
            #expect(changes.count == 16)
            // Authored under the directory lock: a later change carries a higher version.
            let versions = changes.map(\.record.version)
            #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func pushesOfOneAccountRacingRecordEachChunkOnce(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let account = try await Fixtures(store: store).account()
            // Eight pushes, each packing a window of chunks that overlaps its neighbours'.
            let outcomes = try await withThrowingTaskGroup(of: (String, Set<String>).self) { group in
                for push in 0..<8 {
                    group.addTask {
                        let pack = "pack-\(push)"
                        let chunks = (push * 2..<push * 2 + 6).enumerated().map { position, index in
                            Self.chunk(index, offset: position * 38, in: pack)
                        }
                        let recorded = try await store.recordBackupPack(
                            BackupPackRecord(id: pack, size: 6 * 38, createdAt: Times.start),
                            chunks: chunks,
                            account: account.id
                        )
                        return (pack, recorded)
                    }
                }
                return try await group.reduce(into: [(String, Set<String>)]()) { $0.append($1) }
            }
            let all = Set((0..<20).map(Self.chunkID))
            #expect(outcomes.reduce(0) { $0 + $1.1.count } == all.count, "every chunk recorded exactly once")
            #expect(outcomes.reduce(into: Set<String>()) { $0.formUnion($1.1) } == all)
            let held = try await store.backupChunks(account: account.id)
            #expect(Set(held.map(\.id)) == all)
            for (pack, recorded) in outcomes {
                for chunk in held where recorded.contains(chunk.id) {
                    #expect(chunk.pack == pack, "a chunk lies in the pack of the push that recorded it")
                }
            }
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func aPruneRacingASnapshotNeverLeavesItReferencingAGoneChunk(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let account = try await Fixtures(store: store).account()
            for round in 0..<12 {
                // A chunk uploaded long before: prunable unless the snapshot references it first.
                _ = try await store.recordBackupPack(
                    BackupPackRecord(id: "pack-\(round)", size: 38, createdAt: Times.start),
                    chunks: [Self.chunk(round, offset: 0, in: "pack-\(round)")],
                    account: account.id
                )
                let snapshot = BackupSnapshotRecord(
                    id: "snapshot-\(round)",
                    account: account.id,
                    createdAt: Times.at(Double(round)),
                    files: 1,
                    bytes: 10
                )
                async let committed = store.commitBackupSnapshot(
                    snapshot,
                    manifest: Data([1, 2, 3]),
                    chunks: [Self.chunkID(round)]
                )
                async let pruned = store.deleteUnreferencedBackupChunks(
                    account: account.id,
                    touchedBefore: Times.at(3_600)
                )
                let missing = try await committed
                let deleted = try await pruned.map(\.id)
                let chunk = try await store.backupChunk(account: account.id, id: Self.chunkID(round))
                let stored = try await store.backupSnapshot(account: account.id, id: snapshot.id)
                if missing.isEmpty {
                    #expect(chunk != nil && stored != nil, "a committed snapshot keeps its chunk")
                    #expect(!deleted.contains(Self.chunkID(round)))
                } else {
                    #expect(missing == [Self.chunkID(round)])
                    #expect(chunk == nil && stored == nil, "a refused snapshot stores nothing")
                }
            }
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func replicaBatchesRacingCountEachWriteOnce(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let home = Self.regions[1]
            let account = AccountID.random()
            let upserts = (0..<10).map { index in
                StoredAccountReplica(
                    key: String(format: "%064x", index),
                    record: AccountReplicaRecord(account: account, kind: .chunk, name: "chunk-\(index)", version: "38"),
                    payload: index.isMultiple(of: 2) ? nil : [UInt8(index)]
                )
            }
            let written = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await store.applyReplicaRecords(
                            home: home,
                            upserts: upserts,
                            deleteKeys: [],
                            deletePrefixes: [],
                            deleteAccounts: [],
                            at: Self.now
                        ).written
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(written == upserts.count)
            #expect(try await store.replicaRecords(home: home).map(\.key) == upserts.map(\.key))
            let odd = try await store.replicaRecord(home: home, account: account, kind: .chunk, name: "chunk-1")
            #expect(odd?.payload == [1])
        }
    }
}
