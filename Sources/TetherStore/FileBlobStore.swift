public import Foundation
public import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``BlobStore`` on the file system: `<root>/<account>/<key[0..<2]>/<key>`, by default under
/// `<data-dir>/blobs/`. Each blob is a pack file of sealed chunks; ranges are read with `pread`.
///
/// A put writes a temporary file and renames it into place, so a blob is either absent or whole
/// after a crash; it returns once the blob is durable. Blobs of 1 MiB or more (packs) are written
/// with `O_DIRECT` where the file system allows it (``DirectWrite``). On Linux, concurrent puts share one
/// `syncfs(2)` (``BlobGroupSync``) after their renames; elsewhere each put fsyncs its file and
/// then its directory. Deleting an account removes its directory.
public struct FileBlobStore: BlobStore {
    /// The directory holding one directory per account.
    public let root: URL
    private let groupSync: BlobGroupSync?

    /// A store under `root` (created when needed).
    public init(root: URL) throws {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.root = root
        self.groupSync = BlobGroupSync.make(root: root)
    }

    /// The default place inside a data directory: `blobs/`.
    public static func open(dataDirectory: URL) throws -> FileBlobStore {
        try FileBlobStore(root: dataDirectory.appendingPathComponent("blobs", isDirectory: true))
    }

    /// The file a blob (a pack) lives in (tests flip bytes in it).
    public func file(account: AccountID, key: String) throws -> URL {
        let name = try Self.safe(key)
        return try self.accountDirectory(account)
            .appendingPathComponent(String(name.prefix(2)), isDirectory: true)
            .appendingPathComponent(name)
    }

    public func put(_ data: Data, account: AccountID, key: String) async throws {
        let syncEach = self.groupSync == nil
        try await Self.offload { try self.write(data, account: account, key: key, sync: syncEach) }
        try await self.groupSync?.sync()
    }

    /// Writes the blob in place; with `sync`, fsyncs the file before and its directory after the rename.
    private func write(_ data: Data, account: AccountID, key: String, sync: Bool) throws {
        let file = try self.file(account: account, key: key)
        let directory = file.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            if sync { Self.syncDirectory(directory.deletingLastPathComponent().path) }
        }
        let temporary = directory.appendingPathComponent(".tmp-\(UUID().uuidString)").path
        let (descriptor, direct) = DirectWrite.open(temporary, bytes: data.count)
        guard descriptor >= 0 else { throw Self.failure("create", errno) }
        var failure: Int32 = direct ? DirectWrite.write(data, to: descriptor) : EINVAL
        if failure == EINVAL {
            failure = direct ? DirectWrite.buffered(descriptor) : 0
            if failure == 0 { failure = Self.writeAll(data, to: descriptor) }
        }
        if failure == 0 && sync && fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0 && rename(temporary, file.path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw Self.failure("write", failure)
        }
        if sync { Self.syncDirectory(directory.path) }
    }

    /// Writes all of `data` through the page cache; returns 0 or the `errno` of the failure.
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Int32 {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return 0
        }
    }

    public func get(account: AccountID, key: String) async throws -> Data? {
        let path = try self.file(account: account, key: key).path
        return try await Self.offload {
            guard access(path, F_OK) == 0 else { return nil }
            return FileManager.default.contents(atPath: path)
        }
    }

    public func get(account: AccountID, key: String, offset: Int, length: Int) async throws -> Data? {
        let path = try self.file(account: account, key: key).path
        return try await Self.offload { try Self.read(path, offset: offset, length: length) }
    }

    /// Reads `length` bytes at `offset` with `pread`; `nil` when the file is missing or shorter.
    private static func read(_ path: String, offset: Int, length: Int) throws -> Data? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw Self.failure("open", errno)
        }
        defer { close(descriptor) }
        var data = Data(count: length)
        var failure: Int32 = 0
        let read = data.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < length {
                let count = pread(descriptor, raw.baseAddress! + done, length - done, off_t(offset + done))
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return done
                }
                if count == 0 { break }
                done += count
            }
            return done
        }
        guard failure == 0 else { throw Self.failure("read", failure) }
        return read == length ? data : nil
    }

    public func keys(account: AccountID) async throws -> [String: Int] {
        let directory = try self.accountDirectory(account)
        return try await Self.offload {
            var keys: [String: Int] = [:]
            let manager = FileManager.default
            for prefix in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? [] {
                let folder = directory.appendingPathComponent(prefix, isDirectory: true)
                for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
                where !name.hasPrefix(".") && name.hasPrefix(prefix) {
                    let attributes = try? manager.attributesOfItem(atPath: folder.appendingPathComponent(name).path)
                    keys[name] = (attributes?[.size] as? NSNumber)?.intValue ?? 0
                }
            }
            return keys
        }
    }

    public func delete(account: AccountID, keys: [String]) async throws {
        try await Self.offload { try self.remove(account: account, keys: keys) }
    }

    private func remove(account: AccountID, keys: [String]) throws {
        var directories = Set<String>()
        for key in keys {
            let file = try self.file(account: account, key: key)
            if Glibc.unlink(file.path) == 0 { directories.insert(file.deletingLastPathComponent().path) }
        }
        for directory in directories { Self.syncDirectory(directory) }
    }

    public func deleteAll(account: AccountID) async throws {
        let directory = try self.accountDirectory(account)
        if FileManager.default.fileExists(atPath: directory.path) {
            try FileManager.default.removeItem(at: directory)
            Self.syncDirectory(self.root.path)
        }
    }

    private func accountDirectory(_ account: AccountID) throws -> URL {
        self.root.appendingPathComponent(try Self.safe(account.rawValue), isDirectory: true)
    }

    /// Keys and account ids become file names: letters, digits, `-` and `_` only.
    private static func safe(_ name: String) throws -> String {
        guard (1...128).contains(name.utf8.count),
            name.utf8.allSatisfy({
                $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0)
            })
        else {
            throw TetherError.invalidField("key", "must be lower-case letters, digits, - or _")
        }
        return name
    }

    /// Runs blocking file work (writes, fsyncs) on a Dispatch thread, so it never holds one of
    /// Swift concurrency's few cooperative threads while the disk syncs.
    private static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    private static func syncDirectory(_ path: String) {
        let descriptor = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    static func failure(_ operation: String, _ code: Int32) -> TetherError {
        TetherError(
            code: "blob_write_failed",
            kind: .unavailable,
            detail: "Could not \(operation) a blob (errno \(code))."
        )
    }
}
