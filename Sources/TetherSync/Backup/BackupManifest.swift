public import Foundation
public import TetherCore

/// What a snapshot holds: every file, directory and symbolic link backed up, with its metadata
/// and, for files, the ids of its chunks in order. Sent to the server as JSON when the snapshot
/// is committed (`protocols/backup.md`); stored sealed.
public struct BackupManifest: Sendable, Hashable, Codable {
    /// The format; `1`.
    public var version: Int
    /// The entries, each directory before what it holds.
    public var entries: [Entry]

    /// The format this code writes.
    public static let currentVersion = 1
    /// The most entries one manifest may list.
    public static let maxEntries = 1_000_000

    /// A manifest of `entries`.
    public init(entries: [Entry]) {
        self.version = Self.currentVersion
        self.entries = entries
    }

    /// What kind of thing an entry is.
    public enum Kind: String, Sendable, Hashable, Codable {
        case file
        case directory
        case symlink
    }

    /// One file, directory or symbolic link.
    public struct Entry: Sendable, Hashable, Codable {
        /// Relative to the restore directory: `photos/2024/a b.jpg`.
        public var path: ManifestPath
        public var kind: Kind
        /// The permission bits (`0o7777` at most).
        public var mode: UInt32
        /// The modification time, nanoseconds since 1970.
        public var mtimeNs: Int64
        /// A file's length in bytes (0 for the others).
        public var size: Int64
        /// A symbolic link's target, as stored (not followed).
        public var target: ManifestPath?
        /// A file's chunk ids, in order (empty for an empty file and for the others).
        public var chunks: [ChunkID]

        /// An entry.
        public init(
            path: ManifestPath,
            kind: Kind,
            mode: UInt32,
            mtimeNs: Int64,
            size: Int64 = 0,
            target: ManifestPath? = nil,
            chunks: [ChunkID] = []
        ) {
            self.path = path
            self.kind = kind
            self.mode = mode
            self.mtimeNs = mtimeNs
            self.size = size
            self.target = target
            self.chunks = chunks
        }

        private enum CodingKeys: String, CodingKey {
            case path, kind, mode, size, target, chunks
            case mtimeNs = "mtime_ns"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.path = try container.decode(ManifestPath.self, forKey: .path)
            self.kind = try container.decode(Kind.self, forKey: .kind)
            self.mode = try container.decode(UInt32.self, forKey: .mode)
            self.mtimeNs = try container.decode(Int64.self, forKey: .mtimeNs)
            self.size = try container.decodeIfPresent(Int64.self, forKey: .size) ?? 0
            self.target = try container.decodeIfPresent(ManifestPath.self, forKey: .target)
            self.chunks = try container.decodeIfPresent([ChunkID].self, forKey: .chunks) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.path, forKey: .path)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.mode, forKey: .mode)
            try container.encode(self.mtimeNs, forKey: .mtimeNs)
            if self.kind == .file {
                try container.encode(self.size, forKey: .size)
                try container.encode(self.chunks, forKey: .chunks)
            }
            try container.encodeIfPresent(self.target, forKey: .target)
        }
    }

    /// The number of files.
    public var fileCount: Int { self.entries.count { $0.kind == .file } }
    /// The files' bytes.
    public var byteCount: Int64 { self.entries.reduce(0) { $0 + ($1.kind == .file ? $1.size : 0) } }
    /// Every chunk id referenced, each once, sorted.
    public var chunkIDs: [ChunkID] { Set(self.entries.flatMap(\.chunks)).sorted() }

    /// The manifest as JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads and validates a manifest.
    ///
    /// - Throws: ``TetherError`` naming the field at fault (`manifest`, `entries[3].path`, …).
    public static func decode(_ data: Data) throws(TetherError) -> BackupManifest {
        let manifest: BackupManifest
        do {
            manifest = try JSONDecoder().decode(BackupManifest.self, from: data)
        } catch let error as TetherError {
            throw TetherError.invalidField("manifest", "has a bad chunk id: \(error.detail)")
        } catch {
            throw TetherError.invalidField("manifest", "is not a backup manifest (JSON, protocols/backup.md)")
        }
        try manifest.validate()
        return manifest
    }

    /// Checks every entry: relative paths without `.`, `..` or empty components, each once;
    /// modes within `0o7777`; sizes not negative; chunks only on files, a target only on links.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the entry.
    public func validate() throws(TetherError) {
        guard self.version == Self.currentVersion else {
            throw .invalidField("version", "must be \(Self.currentVersion)")
        }
        guard self.entries.count <= Self.maxEntries else {
            throw .invalidField("entries", "may hold at most \(Self.maxEntries) entries")
        }
        var seen = Set<ManifestPath>()
        for (index, entry) in self.entries.enumerated() {
            let field = "entries[\(index)]"
            try Self.validateRelative(entry.path, field: "\(field).path")
            guard seen.insert(entry.path).inserted else { throw .invalidField("\(field).path", "appears twice") }
            guard entry.mode <= 0o7777 else { throw .invalidField("\(field).mode", "must be at most 0o7777") }
            guard entry.size >= 0 else { throw .invalidField("\(field).size", "must not be negative") }
            if entry.kind != .file && !entry.chunks.isEmpty {
                throw .invalidField("\(field).chunks", "only a file has chunks")
            }
            if entry.kind == .symlink {
                guard let target = entry.target, !target.bytes.isEmpty, !target.bytes.contains(0) else {
                    throw .invalidField("\(field).target", "is required for a symlink, without NUL bytes")
                }
            } else if entry.target != nil {
                throw .invalidField("\(field).target", "only a symlink has a target")
            }
        }
    }

    /// A path is relative and stays inside its root: no leading `/`, no NUL, no empty, `.` or
    /// `..` components.
    static func validateRelative(_ path: ManifestPath, field: String) throws(TetherError) {
        guard !path.bytes.isEmpty, !path.bytes.contains(0) else {
            throw .invalidField(field, "must be a non-empty relative path without NUL bytes")
        }
        for component in path.components {
            if component.isEmpty || component.elementsEqual([0x2E]) || component.elementsEqual([0x2E, 0x2E]) {
                throw .invalidField(field, "must be relative, without empty, '.' or '..' components")
            }
        }
    }
}
