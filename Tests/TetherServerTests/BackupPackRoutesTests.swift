import Foundation
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherStore
import TetherSync
import TetherTesting

/// Several chunks per request (`POST /v1/backup/packs`) and the pack files behind them, through
/// HTTP on a real server with SQLite and packs on disk.
struct BackupPackRoutesTests {
    private func hasher(_ user: SignedInUser) async throws -> ChunkHasher {
        try ChunkHasher(hexKey: try await user.client.getBackupKey().ok.body.json.chunkIdKey)
    }

    /// Bytes unlike any other test's: `count` bytes from `seed`.
    private func bytes(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &* 7 &+ ($0 >> 8)) })
    }

    private func putPack(
        _ user: SignedInUser,
        _ chunks: [(id: ChunkID, data: Data)]
    ) async throws -> [Components.Schemas.BackupChunkStored] {
        try await user.client.putBackupPack(body: .binary(HTTPBody(BackupPackBody.encode(chunks)))).ok.body.json
            .chunks
    }

    private func file(_ path: String, _ data: Data, _ hasher: ChunkHasher) -> BackupManifest.Entry {
        .init(
            path: ManifestPath(path),
            kind: .file,
            mode: 0o644,
            mtimeNs: 0,
            size: Int64(data.count),
            chunks: [hasher.id(of: data)]
        )
    }

    private func locate(_ server: TestServer, _ user: SignedInUser, _ id: ChunkID) async throws -> StoredChunk {
        try #require(
            try await StoredChunk.locate(
                in: server.dataDirectory,
                account: AccountID(rawValue: user.accountID),
                id: id.rawValue
            )
        )
    }

    /// The files under the account's blob directory.
    private func packFiles(_ server: TestServer, _ user: SignedInUser) -> [String] {
        let directory = server.dataDirectory.appendingPathComponent("blobs").appendingPathComponent(user.accountID)
        let names = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    @Test func severalChunksRoundTripThroughOnePack() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let datas = [1, 70_000, 300_000, BackupVault.maxChunkBytes, 12].enumerated().map {
                self.bytes($1, seed: UInt8($0))
            }
            let chunks = datas.map { (id: hasher.id(of: $0), data: $0) }
            let stored = try await self.putPack(ada, chunks)
            #expect(stored.map(\.id) == chunks.map(\.id.rawValue))
            #expect(stored.map(\.size) == datas.map(\.count))
            #expect(stored.allSatisfy { $0.created })
            // Idempotent: sent again, nothing is stored twice.
            #expect(try await self.putPack(ada, chunks).allSatisfy { !$0.created })
            let missing = try await ada.client.findMissingBackupChunks(
                body: .json(.init(ids: chunks.map(\.id.rawValue)))
            ).ok.body.json.missing
            #expect(missing.isEmpty)
            for chunk in chunks {
                let body = try await ada.client.getBackupChunk(path: .init(chunkId: chunk.id.rawValue)).ok.body.binary
                #expect(try await Data(collecting: body, upTo: 2 << 20) == chunk.data)
            }
            // One pack file holds the five sealed boxes back to back; no plaintext in it.
            var located: [StoredChunk] = []
            for chunk in chunks { located.append(try await self.locate(server, ada, chunk.id)) }
            #expect(Set(located.map(\.pack)).count == 1)
            #expect(self.packFiles(server, ada).count == 1)
            #expect(located.map(\.range.lowerBound) == located.map(\.range.lowerBound).sorted())
            #expect(zip(located, datas).allSatisfy { $0.range.count == $1.count + AccountDataKey.sealOverhead })
            let pack = try Data(contentsOf: try #require(located.first).file)
            #expect(pack.count == datas.reduce(0) { $0 + $1.count + AccountDataKey.sealOverhead })
            #expect(pack.range(of: datas[2]) == nil)

            let manifest = BackupManifest(entries: datas.enumerated().map { self.file("f\($0)", $1, hasher) })
            let snapshot = try await ada.client.commitBackupSnapshot(body: .binary(HTTPBody(try manifest.encoded())))
                .created.body.json
            #expect(snapshot.bytes == Int64(datas.reduce(0) { $0 + $1.count }))
        }
    }

    @Test func aBadChunkInTheMiddleOfAPackStoresNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let datas = (0..<3).map { self.bytes(100_000, seed: UInt8(10 + $0)) }
            var chunks = datas.map { (id: hasher.id(of: $0), data: $0) }
            chunks[1].id = hasher.id(of: Data("something else".utf8))
            await expectProblem(422, "chunk_id_mismatch", field: "chunks[1]") {
                try await self.putPack(ada, chunks)
            }
            let ids = datas.map { hasher.id(of: $0).rawValue }
            let missing = try await ada.client.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json
                .missing
            #expect(missing == ids)
            #expect(self.packFiles(server, ada).isEmpty)

            // Badly framed bodies: 400 naming the body, nothing stored.
            var truncated = BackupPackBody.encode(datas.map { (id: hasher.id(of: $0), data: $0) })
            truncated.removeLast()
            await expectProblem(400, "invalid_field", field: "body") {
                try await ada.client.putBackupPack(body: .binary(HTTPBody(truncated))).ok
            }
            await expectProblem(400, "invalid_field", field: "body") {
                try await ada.client.putBackupPack(body: .binary(HTTPBody(Data([0, 0, 0, 0])))).ok
            }
            #expect(self.packFiles(server, ada).isEmpty)
        }
    }

    @Test func verifyFindsAFlippedByteInsideAPack() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let datas = (0..<3).map { self.bytes(80_000, seed: UInt8(20 + $0)) }
            _ = try await self.putPack(ada, datas.map { (id: hasher.id(of: $0), data: $0) })
            let manifest = BackupManifest(entries: datas.enumerated().map { self.file("f\($0)", $1, hasher) })
            _ = try await ada.client.commitBackupSnapshot(body: .binary(HTTPBody(try manifest.encoded()))).created
            #expect(try await ada.client.verifyBackups().ok.body.json.corruptChunks.isEmpty)

            let middle = hasher.id(of: datas[1])
            let stored = try await self.locate(server, ada, middle)
            #expect(stored.range.lowerBound > 0)
            try stored.flip(at: stored.range.count / 2)
            let report = try await ada.client.verifyBackups().ok.body.json
            #expect(report.checkedChunks == 3)
            #expect(report.corruptChunks == [middle.rawValue])
            await expectProblem(500, "backup_corrupt") {
                try await ada.client.getBackupChunk(path: .init(chunkId: middle.rawValue)).ok
            }
            // Its neighbours in the pack still read.
            for data in [datas[0], datas[2]] {
                let body = try await ada.client.getBackupChunk(path: .init(chunkId: hasher.id(of: data).rawValue)).ok
                    .body.binary
                #expect(try await Data(collecting: body, upTo: 1 << 20) == data)
            }
        }
    }

    @Test func pruneDeletesDeadPacksRepacksMostlyDeadOnesAndKeepsMostlyLiveOnes() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.accessTokenLifetime = .seconds(86_400)
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let a = [10_000, 50_000, 50_000].enumerated().map { self.bytes($1, seed: UInt8(30 + $0)) }
            let b = [20_000, 20_000].enumerated().map { self.bytes($1, seed: UInt8(40 + $0)) }
            let c = [60_000, 10_000].enumerated().map { self.bytes($1, seed: UInt8(50 + $0)) }
            for pack in [a, b, c] { _ = try await self.putPack(ada, pack.map { (id: hasher.id(of: $0), data: $0) }) }
            let manifest = BackupManifest(entries: [self.file("a", a[0], hasher), self.file("c", c[0], hasher)])
            _ = try await ada.client.commitBackupSnapshot(body: .binary(HTTPBody(try manifest.encoded()))).created
            let before = try await self.locate(server, ada, hasher.id(of: a[0]))
            let packB = try await self.locate(server, ada, hasher.id(of: b[0]))
            let packC = try await self.locate(server, ada, hasher.id(of: c[0]))
            #expect(self.packFiles(server, ada).count == 3)

            clock.advance(by: .seconds(3_601))
            let report = try await ada.client.pruneBackups().ok.body.json
            let overhead = AccountDataKey.sealOverhead
            #expect(report.deletedChunks == 5)
            #expect(report.deletedBytes == 150_000)
            #expect(report.keptChunks == 2)
            // Packs a and b are gone; a's live chunk was copied into a new pack of its own.
            #expect(
                report.deletedStoredBytes
                    == Int64((110_000 + 3 * overhead) + (40_000 + 2 * overhead) - (10_000 + overhead))
            )
            let after = try await self.locate(server, ada, hasher.id(of: a[0]))
            #expect(after.pack != before.pack)
            #expect(after.range == 0..<(10_000 + overhead))
            #expect(!FileManager.default.fileExists(atPath: before.file.path))
            #expect(!FileManager.default.fileExists(atPath: packB.file.path))
            // Pack c is mostly live: kept as it is, its dead chunk's bytes with it.
            #expect(try await self.locate(server, ada, hasher.id(of: c[0])) == packC)
            #expect(self.packFiles(server, ada).count == 2)

            for data in [a[0], c[0]] {
                let body = try await ada.client.getBackupChunk(path: .init(chunkId: hasher.id(of: data).rawValue)).ok
                    .body.binary
                #expect(try await Data(collecting: body, upTo: 1 << 20) == data)
            }
            let verify = try await ada.client.verifyBackups().ok.body.json
            #expect(verify.checkedChunks == 2)
            #expect(verify.corruptChunks.isEmpty)
            let ids = (a + b + c).map { hasher.id(of: $0).rawValue }
            let missing = try await ada.client.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json
                .missing
            #expect(missing == [ids[1], ids[2], ids[3], ids[4], ids[6]])
            // A second prune finds nothing more to do.
            clock.advance(by: .seconds(3_601))
            let again = try await ada.client.pruneBackups().ok.body.json
            #expect(again.deletedChunks == 0)
            #expect(again.deletedStoredBytes == 0)
        }
    }

    @Test func pruneDeletesAPackFileACrashLeftUnindexed() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let data = self.bytes(50_000, seed: 80)
            _ = try await self.putPack(ada, [(hasher.id(of: data), data)])
            let manifest = BackupManifest(entries: [self.file("kept", data, hasher)])
            _ = try await ada.client.commitBackupSnapshot(body: .binary(HTTPBody(try manifest.encoded()))).created
            let kept = try await self.locate(server, ada, hasher.id(of: data))
            // A pack synced but never recorded: the server died before its commit.
            let orphan = try FileBlobStore.open(dataDirectory: server.dataDirectory)
                .file(account: AccountID(rawValue: ada.accountID), key: "ab" + String(repeating: "0", count: 30))
            try FileManager.default.createDirectory(
                at: orphan.deletingLastPathComponent(),
                withIntermediateDirectories: true
            )
            try Data(repeating: 7, count: 1_234).write(to: orphan)
            #expect(self.packFiles(server, ada).count == 2)

            let report = try await ada.client.pruneBackups(query: .init(graceS: 0)).ok.body.json
            #expect(report.deletedChunks == 0)
            #expect(report.deletedStoredBytes == 1_234)
            #expect(!FileManager.default.fileExists(atPath: orphan.path))
            #expect(FileManager.default.fileExists(atPath: kept.file.path))
            #expect(self.packFiles(server, ada).count == 1)
        }
    }

    @Test func deletingTheAccountRemovesItsPacks() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let datas = (0..<4).map { self.bytes(90_000, seed: UInt8(60 + $0)) }
            _ = try await self.putPack(ada, datas.map { (id: hasher.id(of: $0), data: $0) })
            let single = Data("and one on its own".utf8)
            _ = try await ada.client.putBackupChunk(
                path: .init(chunkId: hasher.id(of: single).rawValue),
                body: .binary(HTTPBody(single))
            ).ok
            #expect(self.packFiles(server, ada).count == 2)

            _ = try await ada.client.deleteAccount().ok
            try await server.expectBackupsShredded(accountID: ada.accountID)
        }
    }

    @Test func aPackOverTheLimitIsRefusedWhateverTheBodyLimit() async throws {
        var config = ServerConfig.testing
        config.maxBodyBytes = 4_096
        try await TestServer.withRunning(config: config, connection: .socket) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            // Sixteen maximal chunks fit exactly; a seventeenth does not.
            let datas = (0..<17).map { self.bytes(BackupVault.maxChunkBytes, seed: UInt8(70 + $0)) }
            let chunks = datas.map { (id: hasher.id(of: $0), data: $0) }
            #expect(try await self.putPack(ada, Array(chunks.prefix(16))).count == 16)
            await expectProblem(413, "body_too_large") { try await self.putPack(ada, chunks) }
            let missing = try await ada.client.findMissingBackupChunks(
                body: .json(.init(ids: [chunks[16].id.rawValue]))
            )
            .ok.body.json.missing
            #expect(missing == [chunks[16].id.rawValue])
        }
    }
}
