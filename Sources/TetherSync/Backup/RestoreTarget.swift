public import Foundation
public import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a snapshot's entries under one directory and nowhere else.
///
/// Every path is checked to be relative without `.`/`..` (``BackupManifest/validate()``), and
/// every directory on the way is checked with `lstat(2)` to be a real directory, not a link, so
/// a manifest cannot write through a symbolic link it restored a moment before. Files are opened
/// with `O_NOFOLLOW`. Directory modes and times are set last, deepest first, so a read-only
/// directory can still be filled.
///
/// Modes keep their permission bits only: setuid, setgid and sticky bits are dropped, so a
/// snapshot cannot plant a set-id program. A file or link already at an entry's path is replaced
/// only when the target was made with `overwrite`; otherwise the restore stops, naming it.
public final class RestoreTarget {
    private let root: LocalPath
    private let overwrite: Bool
    private var directories: [BackupManifest.Entry] = []

    /// A target under `root`, created when missing.
    ///
    /// - Parameters:
    ///   - root: The directory to restore into.
    ///   - overwrite: Whether files and links already there may be replaced.
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `to` when it cannot be made.
    public init(root: String, overwrite: Bool = false) throws(TetherError) {
        self.root = LocalPath(root)
        self.overwrite = overwrite
        if self.root.status() == nil {
            do {
                try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            } catch {
                throw .invalidField("to", "cannot create \(root)")
            }
        }
        guard let info = self.root.status(), info.st_mode & S_IFMT == S_IFDIR else {
            throw .invalidField("to", "\(root) is not a directory")
        }
    }

    /// Creates a directory entry (its mode and time are applied by ``finish()``).
    public func directory(_ entry: BackupManifest.Entry) throws(TetherError) {
        let path = try self.prepare(entry.path)
        if let info = path.status() {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw Self.refused(entry.path, "exists and is not a directory")
            }
        } else if path.withCString({ mkdir($0, 0o700) }) != 0 {
            throw Self.failed(entry.path, "mkdir")
        }
        self.directories.append(entry)
    }

    /// Opens a file entry for writing (replacing what is there); write with the descriptor, then
    /// call ``closeFile(_:descriptor:)``.
    public func openFile(_ entry: BackupManifest.Entry) throws(TetherError) -> Int32 {
        let path = try self.prepare(entry.path)
        if let info = path.status() {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw Self.refused(entry.path, "exists as a directory") }
            guard self.overwrite else { throw Self.exists(entry.path) }
            if info.st_mode & S_IFMT != S_IFREG { _ = path.withCString { unlink($0) } }
        }
        // Without overwrite, O_EXCL: a file that appeared since the check is not written either.
        let flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (self.overwrite ? O_TRUNC : O_EXCL)
        let descriptor = path.withCString { open($0, flags, 0o600) }
        guard descriptor >= 0 else {
            if errno == EEXIST { throw Self.exists(entry.path) }
            throw Self.failed(entry.path, "open")
        }
        return descriptor
    }

    /// Writes all of `data` to `descriptor`.
    public func write(_ data: Data, to descriptor: Int32) throws(TetherError) {
        let failed: Bool = data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += written
            }
            return false
        }
        if failed { throw TetherError(code: "write_failed", kind: .internal, detail: "write failed: errno \(errno)") }
    }

    /// Sets the file's mode and time and closes it.
    public func closeFile(_ entry: BackupManifest.Entry, descriptor: Int32) throws(TetherError) {
        defer { close(descriptor) }
        var times = [Self.timespec(entry.mtimeNs), Self.timespec(entry.mtimeNs)]
        guard fchmod(descriptor, Self.permissions(entry.mode)) == 0, futimens(descriptor, &times) == 0 else {
            throw Self.failed(entry.path, "chmod")
        }
    }

    /// Creates a symbolic link entry (replacing a file or link there).
    public func symlink(_ entry: BackupManifest.Entry) throws(TetherError) {
        let path = try self.prepare(entry.path)
        if let info = path.status() {
            guard info.st_mode & S_IFMT != S_IFDIR else { throw Self.refused(entry.path, "exists as a directory") }
            guard self.overwrite else { throw Self.exists(entry.path) }
            _ = path.withCString { unlink($0) }
        }
        let target = LocalPath(bytes: entry.target?.bytes ?? [])
        let made = target.withCString { target in path.withCString { Glibc.symlink(target, $0) } }
        guard made == 0 else { throw Self.failed(entry.path, "symlink") }
        var times = [Self.timespec(entry.mtimeNs), Self.timespec(entry.mtimeNs)]
        _ = path.withCString { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) }
    }

    /// Applies directory modes and times, deepest first.
    public func finish() throws(TetherError) {
        for entry in self.directories.sorted(by: { $0.path.components.count > $1.path.components.count }) {
            let path = self.root.appending(entry.path.bytes)
            var times = [Self.timespec(entry.mtimeNs), Self.timespec(entry.mtimeNs)]
            let done = path.withCString {
                chmod($0, Self.permissions(entry.mode)) == 0 && utimensat(AT_FDCWD, $0, &times, 0) == 0
            }
            guard done else { throw Self.failed(entry.path, "chmod") }
        }
    }

    /// The path under the root, after checking it and every directory on the way (made 0700
    /// when missing; a manifest lists directories before their contents, so this is rare).
    private func prepare(_ relative: ManifestPath) throws(TetherError) -> LocalPath {
        try BackupManifest.validateRelative(relative, field: "path")
        var path = self.root
        let components = relative.components
        for component in components.dropLast() {
            path = path.appending(component)
            if let info = path.status() {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw Self.refused(relative, "would be written through \(path), which is not a directory")
                }
            } else if path.withCString({ mkdir($0, 0o700) }) != 0 {
                throw Self.failed(relative, "mkdir")
            }
        }
        return path.appending(components.last!)
    }

    private static func timespec(_ nanoseconds: Int64) -> Glibc.timespec {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        return Glibc.timespec(tv_sec: Int(seconds), tv_nsec: Int(nanoseconds - seconds * 1_000_000_000))
    }

    /// A manifest mode's permission bits: no setuid, setgid or sticky bit.
    static func permissions(_ mode: UInt32) -> mode_t {
        mode_t(mode & 0o777)
    }

    private static func exists(_ path: ManifestPath) -> TetherError {
        TetherError(
            code: "restore_target_exists",
            kind: .conflict,
            field: "to",
            detail: "'\(path)' already exists in the target; restore into an empty directory or pass --overwrite"
        )
    }

    private static func refused(_ path: ManifestPath, _ why: String) -> TetherError {
        .invalidField("manifest", "entry '\(path)' \(why); restore refuses to write outside --to")
    }

    private static func failed(_ path: ManifestPath, _ call: String) -> TetherError {
        TetherError(code: "restore_failed", kind: .internal, detail: "\(call) failed for '\(path)': errno \(errno)")
    }
}
