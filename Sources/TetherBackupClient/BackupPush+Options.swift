public import Foundation
import TetherSync

extension BackupPush {
    /// How a push runs; every setting has a default.
    public struct Options: Sendable {
        /// The most chunks in one pack request unless told otherwise.
        public static let defaultPackChunks = 256

        /// Read every file, ignoring what the file cache remembers (the cache is still written).
        public var force: Bool
        /// The file cache: what the last push saw of each file, so that unchanged files are not
        /// read again (``BackupFileCache/url(in:account:server:)``). `nil`: no cache, every file is read.
        public var cacheFile: URL?
        /// The most chunks in one pack request (`POST /v1/backup/packs`), kept within
        /// 1…`BackupPackBody.maxChunks`; a pack also holds at most 8 MiB.
        public var packChunks: Int
        /// Pack uploads in flight at once, at least 1.
        public var concurrentUploads: Int
        /// How requests that fail transiently are retried.
        public var retry: BackupRetry
        /// Receives the push's progress, retries and warnings; called from several tasks.
        public var report: @Sendable (BackupEvent) -> Void
        /// Called before every attempt to upload a pack, retries included, on the task of the
        /// upload: the upload waits while it runs, and fails with what it throws. Tests use it
        /// to hold a push at a point they choose.
        public var beforeEachPack: (@Sendable (BackupPackAttempt) async throws -> Void)?

        /// Options with the defaults: the cache used when given, 256 chunks per pack, six
        /// uploads in flight, the standard retries, nothing reported.
        public init(
            force: Bool = false,
            cacheFile: URL? = nil,
            packChunks: Int = Options.defaultPackChunks,
            concurrentUploads: Int = 6,
            retry: BackupRetry = .standard,
            report: @escaping @Sendable (BackupEvent) -> Void = { _ in },
            beforeEachPack: (@Sendable (BackupPackAttempt) async throws -> Void)? = nil
        ) {
            self.force = force
            self.cacheFile = cacheFile
            self.packChunks = packChunks
            self.concurrentUploads = concurrentUploads
            self.retry = retry
            self.report = report
            self.beforeEachPack = beforeEachPack
        }

        /// ``packChunks`` within what a pack request may carry.
        var boundedPackChunks: Int { min(max(self.packChunks, 1), BackupPackBody.maxChunks) }
    }
}

extension BackupPush.Options {
    /// Runs `request` under ``retry``, reporting each retry.
    func retried<Result>(_ request: (_ attempt: Int) async throws -> Result) async throws -> Result {
        let report = self.report
        return try await self.retry.run(retrying: { report(.retrying($0)) }, request)
    }
}
