import Foundation
import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// fsync helpers for writes that must survive a crash once acknowledged.
enum DurableFile {
    /// Syncs a directory, so a rename or unlink inside it is on disk.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Writes a secret (a key file) whole: to a temporary file of mode 0600 beside `file`, synced,
    /// then renamed over it, so a reader sees the old file or the new one, never part of one. The
    /// directory is made with mode 0700 when missing.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `field` (the option naming the file).
    static func writeSecret(_ bytes: [UInt8], to file: URL, field: String) throws(TetherError) {
        let directory = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw .invalidField(field, "cannot create \(directory.path)")
        }
        let temporary = file.path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .invalidField(field, "cannot create \(file.path)") }
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, file.path) == 0 else {
            unlink(temporary)
            throw .invalidField(field, "cannot write \(file.path)")
        }
        syncDirectory(directory.path)
    }
}
