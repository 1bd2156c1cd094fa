/// An owner's phone backup: a tree of files generated from the scenario's seed, and the steps
/// played on it in order (push, edit, restore, verify, move).
public struct BackupSpec: Sendable, Hashable, Decodable {
    /// The files on the phone before the first step.
    public var tree: BackupTreeSpec
    /// What happens to the backup, in order.
    public var steps: [BackupStep]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case tree, steps
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.tree = try container.decode(BackupTreeSpec.self, forKey: .tree)
        self.steps = try container.decode([BackupStep].self, forKey: .steps)
        guard !self.steps.isEmpty else { throw container.invalid(.steps, "must list at least one step") }
    }
}

/// The phone's files: `files` of them spread over `folders`, each of a size between
/// `min_size` and `max_size` (spread evenly on a log scale), their bytes random from the seed.
public struct BackupTreeSpec: Sendable, Hashable, Decodable {
    /// How many regular files.
    public var files: Int
    /// Folders under the tree's root the files are spread over (`DCIM/Camera`).
    public var folders: [String]
    /// The smallest file, in bytes (at least 1).
    public var minSize: Int
    /// The largest file, in bytes.
    public var maxSize: Int

    /// The largest `max_size` a scenario may ask for: a tree is written to disk and pushed.
    static let largestFile = 64 << 20

    enum CodingKeys: String, CodingKey, CaseIterable {
        case files, folders
        case minSize = "min_size"
        case maxSize = "max_size"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.files = try container.integer(.files, in: 1...10_000)
        self.folders = try container.decodeIfPresent([String].self, forKey: .folders) ?? ["Documents"]
        guard !self.folders.isEmpty else { throw container.invalid(.folders, "must list at least one folder") }
        for folder in self.folders {
            let parts = folder.split(separator: "/", omittingEmptySubsequences: false)
            guard !folder.hasPrefix("/"), parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
                throw container.invalid(.folders, "'\(folder)' must be a relative path like DCIM/Camera")
            }
        }
        self.minSize = container.contains(.minSize) ? try container.byteSize(.minSize, minimum: 1) : 1 << 10
        self.maxSize = container.contains(.maxSize) ? try container.byteSize(.maxSize, minimum: 1) : 512 << 10
        guard self.maxSize >= self.minSize else { throw container.invalid(.maxSize, "must be at least min_size") }
        guard self.maxSize <= Self.largestFile else { throw container.invalid(.maxSize, "must be at most 64MiB") }
    }
}
