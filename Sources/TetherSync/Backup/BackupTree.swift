public import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files, directories and symbolic links under the paths a push was given, read with
/// `lstat(2)` (links are recorded, never followed) in a stable order: each directory before its
/// contents, names in byte order.
public enum BackupTree {
    /// One thing found: its manifest entry (chunks still empty) and where it is on disk.
    public struct Item: Sendable {
        public var entry: BackupManifest.Entry
        public var source: LocalPath
        /// What `lstat(2)` said of it, which a push's file cache compares with what it saw last time.
        public var status: FileStatus = FileStatus()
    }

    /// The metadata of a file that tells whether it may have changed: when it matches what a
    /// push saw before, the file is taken to hold the same bytes.
    public struct FileStatus: Sendable, Hashable, Codable {
        public var size: Int64 = 0
        public var mtimeNs: Int64 = 0
        public var ctimeNs: Int64 = 0
        public var inode: UInt64 = 0
        public var device: UInt64 = 0

        /// The status of a file as `stat(2)`, `lstat(2)` or `fstat(2)` reports it.
        init(_ info: stat) {
            self.size = Int64(info.st_size)
            self.mtimeNs = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            self.ctimeNs = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
            self.inode = UInt64(info.st_ino)
            self.device = UInt64(info.st_dev)
        }

        /// An empty status.
        public init() {}

        /// The status of the open file `descriptor`, or `nil` when `fstat(2)` fails.
        public static func of(descriptor: Int32) -> FileStatus? {
            var info = stat()
            return fstat(descriptor, &info) == 0 ? FileStatus(info) : nil
        }

        enum CodingKeys: String, CodingKey {
            case size, inode, device
            case mtimeNs = "mtime_ns"
            case ctimeNs = "ctime_ns"
        }
    }

    /// Walks `roots`; each becomes a top-level entry named by its last component. Other file
    /// types (sockets, devices, FIFOs) are skipped and reported through `skipped`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `path` when a root is missing or two
    ///   roots have the same name.
    public static func scan(roots: [String], skipped: (LocalPath) -> Void = { _ in }) throws(TetherError) -> [Item] {
        var items: [Item] = []
        var names = Set<[UInt8]>()
        for root in roots {
            let path = LocalPath(root)
            let name = try Self.name(of: root)
            guard names.insert(name).inserted else {
                throw .invalidField("path", "two paths are named '\(String(decoding: name, as: UTF8.self))'")
            }
            guard let info = path.status() else { throw .invalidField("path", "'\(root)' does not exist") }
            try Self.visit(path, info: info, as: ManifestPath(bytes: name), into: &items, skipped: skipped)
        }
        return items
    }

    private static func name(of root: String) throws(TetherError) -> [UInt8] {
        var bytes = Array(root.utf8)
        while bytes.count > 1 && bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        var name = Array(bytes.split(separator: UInt8(ascii: "/")).last ?? [])
        if name.isEmpty || name == [0x2E] || name == [0x2E, 0x2E] {
            // `.`, `..`, `/`: use the real directory's name.
            guard let resolved = realpath(root, nil) else { throw .invalidField("path", "'\(root)' does not exist") }
            defer { free(resolved) }
            let full = Array(String(cString: resolved).utf8)
            name = Array(full.split(separator: UInt8(ascii: "/")).last ?? [])
            guard !name.isEmpty else { throw .invalidField("path", "cannot back up / as a whole; name a directory") }
        }
        return name
    }

    private static func visit(
        _ path: LocalPath,
        info: stat,
        as relative: ManifestPath,
        into items: inout [Item],
        skipped: (LocalPath) -> Void
    ) throws(TetherError) {
        let mode = UInt32(info.st_mode) & 0o7777
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            items.append(
                Item(
                    entry: .init(path: relative, kind: .file, mode: mode, mtimeNs: mtime, size: Int64(info.st_size)),
                    source: path,
                    status: FileStatus(info)
                )
            )
        case S_IFLNK:
            var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = path.withCString { readlink($0, &buffer, buffer.count) }
            guard length > 0 else { throw .invalidField("path", "cannot read the link \(path)") }
            let target = ManifestPath(bytes: Array(buffer[..<length]))
            items.append(
                Item(
                    entry: .init(path: relative, kind: .symlink, mode: mode, mtimeNs: mtime, target: target),
                    source: path
                )
            )
        case S_IFDIR:
            items.append(Item(entry: .init(path: relative, kind: .directory, mode: mode, mtimeNs: mtime), source: path))
            for name in try Self.names(in: path) {
                let child = path.appending(name)
                guard let childInfo = child.status() else { continue }  // gone since it was listed
                try Self.visit(child, info: childInfo, as: relative.appending(name), into: &items, skipped: skipped)
            }
        default:
            skipped(path)
        }
    }

    private static func names(in directory: LocalPath) throws(TetherError) -> [[UInt8]] {
        guard let handle = directory.withCString({ opendir($0) }) else {
            throw .invalidField("path", "cannot read the directory \(directory)")
        }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    Array(
                        UnsafeBufferPointer(
                            start: bytes,
                            count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))
                        )
                    )
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}
