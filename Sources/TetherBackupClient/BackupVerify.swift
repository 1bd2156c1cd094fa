import TetherAPI
import TetherSync

/// A check of the account's backups: the server re-opens and re-hashes every stored chunk and
/// manifest (repairing a corrupt chunk from a replica region's copy when one holds it) and,
/// `deep`, this client downloads every chunk each snapshot references and re-hashes it.
///
/// ```swift
/// let report = try await BackupVerify(server: server).run(deep: true)
/// if !report.ok { … }
/// ```
public struct BackupVerify: Sendable {
    /// The account's server.
    public let server: any BackupServer

    /// A check of the backups on `server`.
    public init(server: any BackupServer) {
        self.server = server
    }

    /// Runs the check; what is corrupt is in the report, not thrown.
    ///
    /// - Throws: ``BackupClientError`` when a request failed or a manifest is malformed.
    public func run(deep: Bool) async throws -> BackupVerifyReport {
        let scrub = try await self.server.perform { try await $0.verifyBackups().ok.body.json }
        var report = BackupVerifyReport(
            ok: scrub.corruptChunks.isEmpty && scrub.corruptSnapshots.isEmpty,
            checkedChunks: scrub.checkedChunks,
            checkedBytes: scrub.checkedBytes,
            corruptChunks: scrub.corruptChunks,
            repairedChunks: scrub.repairedChunks ?? [],
            checkedSnapshots: scrub.checkedSnapshots,
            corruptSnapshots: scrub.corruptSnapshots
        )
        guard deep else { return report }
        let hasher = try await ChunkHasher.fetch(from: self.server)
        var ids = Set<ChunkID>()
        let snapshots = try await self.server.perform { try await $0.listBackupSnapshots().ok.body.json }
        for snapshot in snapshots where !scrub.corruptSnapshots.contains(snapshot.id) {
            let manifest = try await BackupDownloads.manifest(self.server, snapshot: snapshot.id)
            ids.formUnion(manifest.chunkIDs)
        }
        // Sixteen downloads at once; a chunk that fails is listed, the others go on.
        var bad: [String] = []
        let sorted = ids.sorted()
        await withTaskGroup(of: String?.self) { group in
            var next = 0
            for _ in 0..<min(16, sorted.count) {
                let id = sorted[next]
                group.addTask { await Self.check(id, on: self.server, hasher: hasher) }
                next += 1
            }
            for await failed in group {
                if let failed { bad.append(failed) }
                if next < sorted.count {
                    let id = sorted[next]
                    group.addTask { await Self.check(id, on: self.server, hasher: hasher) }
                    next += 1
                }
            }
        }
        bad.sort()
        report.downloadedChunks = ids.count
        report.badDownloads = bad
        report.ok = report.ok && bad.isEmpty
        return report
    }
}

extension BackupVerify {
    /// Downloads and re-hashes chunk `id`; returns it when that fails.
    static func check(_ id: ChunkID, on server: any BackupServer, hasher: ChunkHasher) async -> String? {
        do {
            _ = try await BackupDownloads.chunk(server, id, hasher: hasher)
            return nil
        } catch {
            return id.rawValue
        }
    }
}

/// What a verify found: the server's scrub and, deep, the client's re-hash.
public struct BackupVerifyReport: Sendable, Hashable {
    /// Nothing is corrupt that was not repaired.
    public var ok: Bool
    /// Chunks the server checked.
    public var checkedChunks: Int
    /// Bytes of those chunks.
    public var checkedBytes: Int64
    /// Chunks the server found corrupt and could not repair.
    public var corruptChunks: [String]
    /// Chunks the server found corrupt and replaced with a replica region's copy.
    public var repairedChunks: [String]
    /// Snapshot manifests the server checked.
    public var checkedSnapshots: Int
    /// Snapshots whose manifest is corrupt.
    public var corruptSnapshots: [String]
    /// Deep: chunks downloaded and re-hashed by the client (`nil` without).
    public var downloadedChunks: Int?
    /// Deep: referenced chunks that failed to download or re-hash (`nil` without).
    public var badDownloads: [String]?

    /// The problems found, corrupt chunks, corrupt snapshots and bad downloads together.
    public var problemCount: Int {
        self.corruptChunks.count + self.corruptSnapshots.count + (self.badDownloads?.count ?? 0)
    }
}
