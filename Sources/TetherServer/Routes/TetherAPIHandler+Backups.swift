import Foundation
import Logging
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

// Backups (`protocols/backup.md`): keys, chunks, snapshots, prune and scrub, all scoped to the
// signed-in account; another account's ids answer 404 like ids that never existed.

extension TetherAPIHandler {
    /// The vault, or `503 backups_unavailable` when the server was built without one.
    func vault() throws -> BackupVault {
        guard let backups = self.backups else { throw TetherError.backupsUnavailable }
        return backups
    }

    func getBackupKey(_ input: Operations.GetBackupKey.Input) async throws -> Operations.GetBackupKey.Output {
        let session = try await self.authenticator.session()
        let key = try await self.vault().chunkIDKey(account: session.account)
        return .ok(.init(body: .json(.init(chunkIdKey: key))))
    }

    func findMissingBackupChunks(
        _ input: Operations.FindMissingBackupChunks.Input
    ) async throws -> Operations.FindMissingBackupChunks.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let missing = try await self.vault().missing(account: session.account, ids: body.ids)
        return .ok(.init(body: .json(.init(missing: missing.map(\.rawValue)))))
    }

    func putBackupChunk(_ input: Operations.PutBackupChunk.Input) async throws -> Operations.PutBackupChunk.Output {
        let session = try await self.authenticator.session()
        let vault = try self.vault()
        _ = try ChunkID(validating: input.path.chunkId, field: "chunkId")
        guard case .binary(let body) = input.body else {
            throw TetherError.malformedBody("Expected an application/octet-stream body.")
        }
        let data = try await Self.collect(body, upTo: BackupVault.maxChunkBytes)
        let created = try await vault.putChunk(account: session.account, id: input.path.chunkId, body: data)
        return .ok(.init(body: .json(.init(id: input.path.chunkId, size: data.count, created: created))))
    }

    func putBackupPack(_ input: Operations.PutBackupPack.Input) async throws -> Operations.PutBackupPack.Output {
        let session = try await self.authenticator.session()
        let vault = try self.vault()
        guard case .binary(let body) = input.body else {
            throw TetherError.malformedBody("Expected an application/octet-stream body.")
        }
        let chunks = try BackupPackBody.decode(try await Self.collect(body, upTo: BackupVault.maxPackBodyBytes))
        let created = try await vault.putChunks(account: session.account, chunks: chunks)
        let stored = zip(chunks, created).map { chunk, created in
            Components.Schemas.BackupChunkStored(id: chunk.id.rawValue, size: chunk.data.count, created: created)
        }
        return .ok(.init(body: .json(.init(chunks: stored))))
    }

    func getBackupChunk(_ input: Operations.GetBackupChunk.Input) async throws -> Operations.GetBackupChunk.Output {
        let session = try await self.authenticator.session()
        let data = try await self.vault().chunk(account: session.account, id: input.path.chunkId)
        return .ok(.init(body: .binary(HTTPBody(data))))
    }

    func listBackupSnapshots(
        _ input: Operations.ListBackupSnapshots.Input
    ) async throws -> Operations.ListBackupSnapshots.Output {
        let session = try await self.authenticator.session()
        let snapshots = try await self.vault().snapshots(account: session.account)
        return .ok(.init(body: .json(snapshots.map(Components.Schemas.BackupSnapshot.init))))
    }

    func commitBackupSnapshot(
        _ input: Operations.CommitBackupSnapshot.Input
    ) async throws -> Operations.CommitBackupSnapshot.Output {
        let session = try await self.authenticator.session()
        let vault = try self.vault()
        guard case .binary(let body) = input.body else {
            throw TetherError.malformedBody("Expected the manifest as an application/octet-stream body.")
        }
        let manifest = try await Self.collect(body, upTo: BackupVault.maxManifestBytes)
        let snapshot = try await vault.commit(account: session.account, manifest: manifest)
        self.logger.info(
            "backup snapshot committed",
            metadata: ["tether.account.id": "\(session.account)", "tether.snapshot.id": "\(snapshot.id)"]
        )
        return .created(.init(body: .json(.init(snapshot))))
    }

    func forgetBackupSnapshot(
        _ input: Operations.ForgetBackupSnapshot.Input
    ) async throws -> Operations.ForgetBackupSnapshot.Output {
        let session = try await self.authenticator.session()
        let snapshot = try await self.vault().forget(account: session.account, id: input.path.snapshotId)
        return .ok(.init(body: .json(.init(snapshot))))
    }

    func getBackupManifest(
        _ input: Operations.GetBackupManifest.Input
    ) async throws -> Operations.GetBackupManifest.Output {
        let session = try await self.authenticator.session()
        let (_, manifest) = try await self.vault().snapshot(account: session.account, id: input.path.snapshotId)
        return .ok(.init(body: .binary(HTTPBody(manifest))))
    }

    func pruneBackups(_ input: Operations.PruneBackups.Input) async throws -> Operations.PruneBackups.Output {
        let session = try await self.authenticator.session()
        let vault = try self.vault()
        let grace = input.query.graceS ?? Int(BackupVault.defaultPruneGrace.components.seconds)
        guard (0...(30 * 86_400)).contains(grace) else {
            throw TetherError.invalidField("grace_s", "must be 0 to 2592000 seconds")
        }
        let report = try await vault.prune(account: session.account, grace: .seconds(grace))
        return .ok(
            .init(
                body: .json(
                    .init(
                        deletedChunks: report.deletedChunks,
                        deletedBytes: report.deletedBytes,
                        deletedStoredBytes: report.deletedStoredBytes,
                        keptChunks: report.keptChunks
                    )
                )
            )
        )
    }

    func verifyBackups(_ input: Operations.VerifyBackups.Input) async throws -> Operations.VerifyBackups.Output {
        let session = try await self.authenticator.session()
        let vault = try self.vault()
        var report = try await vault.verify(account: session.account)
        var repaired: [String] = []
        if !report.corruptChunks.isEmpty, let replicas = self.replicas {
            repaired = await replicas.repair(
                account: session.account,
                chunks: report.corruptChunks,
                in: vault,
                logger: self.logger
            )
            report.corruptChunks.removeAll { repaired.contains($0) }
            if !repaired.isEmpty {
                self.logger.notice(
                    "backup chunks repaired from a replica",
                    metadata: [
                        "tether.account.id": "\(session.account)", "tether.backup.repaired": "\(repaired.count)",
                    ]
                )
            }
        }
        if !report.isClean {
            self.logger.warning(
                "backup scrub found corruption",
                metadata: [
                    "tether.account.id": "\(session.account)",
                    "tether.backup.corrupt_chunks": "\(report.corruptChunks.count)",
                ]
            )
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        checkedChunks: report.checkedChunks,
                        checkedBytes: report.checkedBytes,
                        corruptChunks: report.corruptChunks,
                        repairedChunks: repaired,
                        checkedSnapshots: report.checkedSnapshots,
                        corruptSnapshots: report.corruptSnapshots
                    )
                )
            )
        )
    }

    /// The account's snapshots for its export.
    func exportBackupSnapshots(_ account: AccountID) async throws -> [Components.Schemas.BackupSnapshot] {
        guard let backups = self.backups else { return [] }
        return try await backups.snapshots(account: account).map(Components.Schemas.BackupSnapshot.init)
    }

    /// Deletes the account's backups: rows (the wrapped data key first) and blobs.
    func deleteAccountBackups(_ account: AccountID) async throws {
        try await self.backups?.deleteAll(account: account)
    }

    /// Collects a binary body of at most `limit` bytes.
    private static func collect(_ body: HTTPBody, upTo limit: Int) async throws -> Data {
        do {
            return try await Data(collecting: body, upTo: limit)
        } catch {
            throw TetherError.bodyTooLarge(limitBytes: limit)
        }
    }
}

extension Components.Schemas.BackupSnapshot {
    init(_ snapshot: BackupSnapshotRecord) {
        self.init(id: snapshot.id, createdAt: snapshot.createdAt, files: snapshot.files, bytes: snapshot.bytes)
    }
}
