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

/// The backup endpoints through HTTP, on a real server with SQLite and blobs on disk.
struct BackupRoutesTests {
    /// A signed-in user's chunk hasher, from the key the server hands out.
    private func hasher(_ user: SignedInUser) async throws -> ChunkHasher {
        try ChunkHasher(hexKey: try await user.client.getBackupKey().ok.body.json.chunkIdKey)
    }

    private func put(
        _ user: SignedInUser,
        _ data: Data,
        id: ChunkID
    ) async throws -> Components.Schemas.BackupChunkStored {
        try await user.client.putBackupChunk(path: .init(chunkId: id.rawValue), body: .binary(HTTPBody(data))).ok.body
            .json
    }

    private func commit(
        _ user: SignedInUser,
        _ manifest: BackupManifest
    ) async throws -> Components.Schemas.BackupSnapshot {
        try await user.client.commitBackupSnapshot(body: .binary(HTTPBody(try manifest.encoded()))).created.body.json
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

    @Test func aChunkRoundTripsAndIsSealedOnDisk() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            // The key is made once.
            #expect(try await self.hasher(ada).hexKey == hasher.hexKey)
            let data = Data("hello backups".utf8)
            let id = hasher.id(of: data)
            #expect(try await self.put(ada, data, id: id).created)
            #expect(try await !self.put(ada, data, id: id).created)
            let missing = try await ada.client.findMissingBackupChunks(
                body: .json(.init(ids: [id.rawValue, String(repeating: "0", count: 64)]))
            ).ok.body.json.missing
            #expect(missing == [String(repeating: "0", count: 64)])
            let body = try await ada.client.getBackupChunk(path: .init(chunkId: id.rawValue)).ok.body.binary
            #expect(try await Data(collecting: body, upTo: 1 << 20) == data)
            // On disk the bytes are sealed: the plaintext is not there.
            let located = try #require(
                try await StoredChunk.locate(
                    in: server.dataDirectory,
                    account: AccountID(rawValue: ada.accountID),
                    id: id.rawValue
                )
            )
            let stored = try located.box()
            #expect(stored.count == data.count + AccountDataKey.sealOverhead)
            #expect(try Data(contentsOf: located.file).range(of: data) == nil)
        }
    }

    @Test func aChunkWithAWrongIDIsRefusedAndNotStored() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let id = hasher.id(of: Data("other bytes".utf8))
            await expectProblem(422, "chunk_id_mismatch", field: "chunkId") {
                try await self.put(ada, Data("these bytes".utf8), id: id)
            }
            let missing = try await ada.client.findMissingBackupChunks(body: .json(.init(ids: [id.rawValue]))).ok.body
                .json.missing
            #expect(missing == [id.rawValue])
            await expectProblem(400, "invalid_field", field: "chunkId") {
                try await ada.client.putBackupChunk(path: .init(chunkId: "XYZ"), body: .binary(HTTPBody(Data([1]))))
                    .ok
            }
            await expectProblem(400, "invalid_field", field: "ids[1]") {
                try await ada.client.findMissingBackupChunks(body: .json(.init(ids: [id.rawValue, "nope"]))).ok
            }
            let tooMany = Array(repeating: id.rawValue, count: BackupVault.maxMissingQuery + 1)
            await expectProblem(400, "invalid_field", field: "ids") {
                try await ada.client.findMissingBackupChunks(body: .json(.init(ids: tooMany))).ok
            }
            let huge = Data(count: BackupVault.maxChunkBytes + 1)
            await expectProblem(413, "body_too_large") { try await self.put(ada, huge, id: hasher.id(of: huge)) }
        }
    }

    @Test func aCommitWithMissingChunksIsRefusedAndStoresNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let present = Data("present".utf8)
            let absent = Data("absent".utf8)
            _ = try await self.put(ada, present, id: hasher.id(of: present))
            let manifest = BackupManifest(entries: [
                self.file("a", present, hasher), self.file("b", absent, hasher),
            ])
            let problem = await expectProblem(409, "chunks_missing", field: "chunks") {
                try await self.commit(ada, manifest)
            }
            #expect(problem?.problem.detail?.contains(hasher.id(of: absent).rawValue) == true)
            #expect(try await ada.client.listBackupSnapshots().ok.body.json.isEmpty)
            // A size that does not match the chunks is refused too, naming the entry.
            var wrongSize = BackupManifest(entries: [self.file("a", present, hasher)])
            wrongSize.entries[0].size = 99
            await expectProblem(400, "invalid_field", field: "entries[0].size") {
                try await self.commit(ada, wrongSize)
            }
            let escape = BackupManifest(entries: [
                .init(path: ManifestPath("../x"), kind: .directory, mode: 0o755, mtimeNs: 0)
            ])
            await expectProblem(400, "invalid_field", field: "entries[0].path") { try await self.commit(ada, escape) }
            await expectProblem(400, "invalid_field", field: "manifest") {
                try await ada.client.commitBackupSnapshot(body: .binary(HTTPBody(Data("{".utf8)))).created
            }

            _ = try await self.put(ada, absent, id: hasher.id(of: absent))
            let snapshot = try await self.commit(ada, manifest)
            #expect(snapshot.files == 2)
            #expect(snapshot.bytes == Int64(present.count + absent.count))
            let listed = try await ada.client.listBackupSnapshots().ok.body.json
            #expect(listed.map(\.id) == [snapshot.id])
            let body = try await ada.client.getBackupManifest(path: .init(snapshotId: snapshot.id)).ok.body.binary
            #expect(try BackupManifest.decode(try await Data(collecting: body, upTo: 1 << 20)) == manifest)
        }
    }

    @Test func anotherAccountsSnapshotsAndChunksAnswer404() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            let hasher = try await self.hasher(ada)
            let data = Data("ada's secret".utf8)
            _ = try await self.put(ada, data, id: hasher.id(of: data))
            let snapshot = try await self.commit(ada, BackupManifest(entries: [self.file("s", data, hasher)]))

            // Grace's key differs, so the same bytes have another id for her.
            #expect(try await self.hasher(grace).id(of: data) != hasher.id(of: data))
            await expectProblem(404, "not_found", field: "snapshotId") {
                try await grace.client.getBackupManifest(path: .init(snapshotId: snapshot.id)).ok
            }
            await expectProblem(404, "not_found", field: "snapshotId") {
                try await grace.client.forgetBackupSnapshot(path: .init(snapshotId: snapshot.id)).ok
            }
            await expectProblem(404, "not_found", field: "chunkId") {
                try await grace.client.getBackupChunk(path: .init(chunkId: hasher.id(of: data).rawValue)).ok
            }
            #expect(try await grace.client.listBackupSnapshots().ok.body.json.isEmpty)
            // Grace cannot commit a manifest naming Ada's chunk either.
            await expectProblem(409, "chunks_missing", field: "chunks") {
                try await self.commit(grace, BackupManifest(entries: [self.file("s", data, hasher)]))
            }
            #expect(try await ada.client.listBackupSnapshots().ok.body.json.count == 1)
        }
    }

    @Test func forgetAndPruneDeleteOnlyUnreferencedChunks() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.accessTokenLifetime = .seconds(86_400)
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let shared = Data("in both".utf8)
            let onlyFirst = Data("only in the first".utf8)
            for data in [shared, onlyFirst] { _ = try await self.put(ada, data, id: hasher.id(of: data)) }
            let first = try await self.commit(
                ada,
                BackupManifest(entries: [self.file("a", shared, hasher), self.file("b", onlyFirst, hasher)])
            )
            _ = try await self.commit(ada, BackupManifest(entries: [self.file("a", shared, hasher)]))
            let orphan = Data("uploaded, never committed".utf8)
            _ = try await self.put(ada, orphan, id: hasher.id(of: orphan))

            let onlyFirstPack = try #require(
                try await StoredChunk.locate(
                    in: server.dataDirectory,
                    account: AccountID(rawValue: ada.accountID),
                    id: hasher.id(of: onlyFirst).rawValue
                )
            )
            _ = try await ada.client.forgetBackupSnapshot(path: .init(snapshotId: first.id)).ok
            // Within the grace period nothing goes: a push may be about to commit them.
            var report = try await ada.client.pruneBackups().ok.body.json
            #expect(report.deletedChunks == 0)
            clock.advance(by: .seconds(3_601))
            report = try await ada.client.pruneBackups().ok.body.json
            #expect(report.deletedChunks == 2)
            #expect(report.deletedBytes == Int64(onlyFirst.count + orphan.count))
            #expect(report.keptChunks == 1)
            let ids = [shared, onlyFirst, orphan].map { hasher.id(of: $0).rawValue }
            let missing = try await ada.client.findMissingBackupChunks(body: .json(.init(ids: ids))).ok.body.json
                .missing
            #expect(missing == Array(ids.dropFirst()))
            #expect(!FileManager.default.fileExists(atPath: onlyFirstPack.file.path))
            await expectProblem(400, "invalid_field", field: "grace_s") {
                try await ada.client.pruneBackups(query: .init(graceS: -1)).ok
            }
        }
    }

    @Test func verifyReportsAFlippedByteInAStoredBlob() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let good = Data("good".utf8)
            let bad = Data(repeating: 9, count: 70_000)
            for data in [good, bad] { _ = try await self.put(ada, data, id: hasher.id(of: data)) }
            _ = try await self.commit(
                ada,
                BackupManifest(entries: [self.file("g", good, hasher), self.file("b", bad, hasher)])
            )
            var report = try await ada.client.verifyBackups().ok.body.json
            #expect(report.checkedChunks == 2)
            #expect(report.corruptChunks.isEmpty)
            #expect(report.checkedSnapshots == 1)

            let stored = try #require(
                try await StoredChunk.locate(
                    in: server.dataDirectory,
                    account: AccountID(rawValue: ada.accountID),
                    id: hasher.id(of: bad).rawValue
                )
            )
            try stored.flip(at: stored.range.count / 2)
            report = try await ada.client.verifyBackups().ok.body.json
            #expect(report.corruptChunks == [hasher.id(of: bad).rawValue])
            await expectProblem(500, "backup_corrupt") {
                try await ada.client.getBackupChunk(path: .init(chunkId: hasher.id(of: bad).rawValue)).ok
            }
        }
    }

    @Test func accountExportListsSnapshotsAndDeleteShredsTheBackups() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let data = Data("to be shredded".utf8)
            _ = try await self.put(ada, data, id: hasher.id(of: data))
            let snapshot = try await self.commit(ada, BackupManifest(entries: [self.file("x", data, hasher)]))
            let export = try await ada.client.exportAccount().ok.body.json
            #expect(export.backups?.map(\.id) == [snapshot.id])
            #expect(export.backups?.first?.files == 1)

            _ = try await ada.client.deleteAccount().ok
            try await server.expectBackupsShredded(accountID: ada.accountID)
        }
    }

    @Test func chunksUpToTheMaximumAreTakenWhateverTheBodyLimit() async throws {
        var config = ServerConfig.testing
        config.maxBodyBytes = 4_096
        try await TestServer.withRunning(config: config, connection: .socket) { server in
            let ada = try await server.register()
            let hasher = try await self.hasher(ada)
            let chunk = Data(repeating: 42, count: BackupVault.maxChunkBytes)
            #expect(try await self.put(ada, chunk, id: hasher.id(of: chunk)).size == chunk.count)
            let snapshot = try await self.commit(ada, BackupManifest(entries: [self.file("big", chunk, hasher)]))
            #expect(snapshot.bytes == Int64(chunk.count))
        }
    }

    @Test func theKEKFileIsCreatedPrivateAtFirstStart() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let file = KeyEncryptionKey.defaultFile(dataDirectory: server.dataDirectory)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }
}
