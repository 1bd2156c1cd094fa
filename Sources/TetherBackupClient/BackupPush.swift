import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherSync

/// A push: files and directories backed up as a new snapshot, sending only the chunks the
/// server lacks (`protocols/backup.md`).
///
/// Symbolic links are recorded, not followed; each path becomes a top-level entry named by its
/// last component. Chunks go up in packs, several in flight while files are still being read;
/// requests that fail transiently are retried (``BackupRetry``). A push that was stopped
/// resumes when run again: chunks the server acknowledged are not sent again.
///
/// ```swift
/// let push = BackupPush(server: server, options: .init(report: { print($0) }))
/// let summary = try await push.run(paths: ["/home/me/Documents"])
/// print(summary.snapshotID)
/// ```
public struct BackupPush: Sendable {
    /// The account's server.
    public let server: any BackupServer
    /// How the push runs.
    public var options: Options

    /// A push to `server`.
    public init(server: any BackupServer, options: Options = Options()) {
        self.server = server
        self.options = options
    }

    /// Backs up `paths` as a new snapshot.
    ///
    /// - Throws: ``BackupClientError``: `paths` when a path cannot be backed up, `localFile`
    ///   when a file cannot be read, `request` when a request failed (after retries when it
    ///   failed transiently); `CancellationError` when cancelled; what ``Options/beforeEachPack`` throws.
    public func run(paths: [String]) async throws -> BackupPushSummary {
        let report = self.options.report
        let hasher = try await ChunkHasher.fetch(from: self.server)
        var items: [BackupTree.Item]
        do {
            items = try BackupTree.scan(roots: paths) { report(.skipped($0)) }
        } catch {
            throw BackupClientError(.paths, error.detail)
        }
        let files = items.filter { $0.entry.kind == .file }
        report(.started(files: files.count, bytes: files.reduce(0) { $0 + $1.entry.size }))
        var cache = self.options.cacheFile.map(BackupFileCache.init(url:))
        let reused = try await self.reusable(
            items,
            cache: self.options.force ? nil : self.options.cacheFile.map(BackupFileCache.load(from:))
        )
        let uploader = BackupUploader(server: self.server, options: self.options)
        var readBytes: Int64 = 0
        for index in items.indices where items[index].entry.kind == .file {
            let item = items[index]
            if let chunks = reused[index] {
                items[index].entry.chunks = chunks
                uploader.stored(chunks, bytes: item.entry.size)
                cache?.remember(BackupFileCache.key(item.source), status: item.status, chunks: chunks)
                report(.progressed(bytes: Int(item.entry.size)))
                report(.fileDone)
                continue
            }
            let read = try await self.read(item, hasher: hasher, into: uploader)
            readBytes += read.size
            // What was read, should the file have changed since it was listed; and cached
            // only when it did not change while it was read.
            items[index].entry.chunks = read.chunks
            items[index].entry.size = read.size
            if read.unchanged {
                cache?.remember(BackupFileCache.key(item.source), status: item.status, chunks: read.chunks)
            }
            report(.fileDone)
        }
        try await uploader.flush()
        let snapshot = try await self.commit(BackupManifest(entries: items.map(\.entry)))
        report(.finished)
        do {
            try cache?.save()
        } catch {
            report(.warning("\(error)"))
        }
        return BackupPushSummary(
            snapshotID: snapshot.id,
            files: snapshot.files,
            bytes: snapshot.bytes,
            newBytes: uploader.newBytes,
            transferredBytes: uploader.transferredBytes,
            deduplicatedBytes: uploader.deduplicatedBytes,
            chunks: uploader.chunks,
            newChunks: uploader.newChunks,
            readBytes: readBytes
        )
    }

    /// Commits the snapshot, retried like the uploads: a server restarting just then must not
    /// fail a push whose chunks are all stored. (Were the first commit to land and only its
    /// answer be lost, the retry commits a second, identical snapshot.)
    private func commit(_ manifest: BackupManifest) async throws -> Components.Schemas.BackupSnapshot {
        let body = try manifest.encoded()
        return try await self.options.retried { _ in
            try await self.server.perform {
                try await $0.commitBackupSnapshot(body: .binary(HTTPBody(body))).created.body.json
            }
        }
    }
}
