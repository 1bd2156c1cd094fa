import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file (created 0600 in a 0700 directory), held while a body
/// runs: how `tether` processes of one profile take turns at a read-modify-write of a file
/// they share.
enum FileLock {
    /// Runs `body` holding the lock on `url`, waiting for another process to release it first.
    ///
    /// - Throws: ``CLIError`` when the lock file cannot be opened or locked; what `body` throws.
    static func withLock<Result>(
        at url: URL,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CLIError("cannot open \(url.path): errno \(errno)") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw CLIError("cannot lock \(url.path): errno \(errno)") }
        return try await body()
    }
}
