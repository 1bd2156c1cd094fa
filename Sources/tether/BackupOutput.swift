import Foundation
import TetherAPI
import TetherBackupClient

// The backup commands' JSON shapes (../shared/CLI.md): listed keys are always present.

/// `tether backup push`: `{"snapshot_id", "files", "bytes", "new_bytes", "transferred_bytes"}`,
/// plus `deduplicated_bytes`, `chunks`, `new_chunks` and `read_bytes`.
struct BackupPushOutput: Encodable {
    var snapshotId: String
    var files: Int
    var bytes: Int64
    /// Bytes of chunks the server did not hold.
    var newBytes: Int64
    /// Chunk bytes sent in upload bodies.
    var transferredBytes: Int64
    /// Bytes that were already stored, or repeated within the push.
    var deduplicatedBytes: Int64
    var chunks: Int
    var newChunks: Int
    /// Bytes read from files (files the cache vouched for are not read).
    var readBytes: Int64

    enum CodingKeys: String, CodingKey {
        case snapshotId = "snapshot_id"
        case readBytes = "read_bytes"
        case files, bytes, chunks
        case newBytes = "new_bytes"
        case transferredBytes = "transferred_bytes"
        case deduplicatedBytes = "deduplicated_bytes"
        case newChunks = "new_chunks"
    }

    init(_ summary: BackupPushSummary) {
        self.snapshotId = summary.snapshotID
        self.files = summary.files
        self.bytes = summary.bytes
        self.newBytes = summary.newBytes
        self.transferredBytes = summary.transferredBytes
        self.deduplicatedBytes = summary.deduplicatedBytes
        self.chunks = summary.chunks
        self.newChunks = summary.newChunks
        self.readBytes = summary.readBytes
    }

    var text: String {
        """
        snapshot \(self.snapshotId): \(self.files) files, \(ByteCount.text(self.bytes))
          new \(ByteCount.text(self.newBytes)) (\(self.newChunks) of \(self.chunks) chunks), \
        deduplicated \(ByteCount.text(self.deduplicatedBytes)), transferred \(ByteCount.text(self.transferredBytes)), \
        read \(ByteCount.text(self.readBytes))
        """
    }
}

/// `tether backup list`: `[{"id", "created_at", "files", "bytes"}]`.
struct BackupSnapshotOutput: Encodable {
    let snapshot: Components.Schemas.BackupSnapshot

    enum CodingKeys: String, CodingKey {
        case id, files, bytes
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.snapshot.id, forKey: .id)
        try container.encode(self.snapshot.createdAt, forKey: .createdAt)
        try container.encode(self.snapshot.files, forKey: .files)
        try container.encode(self.snapshot.bytes, forKey: .bytes)
    }

    static let tableHeader = ["ID", "CREATED", "FILES", "BYTES"]
    var tableRow: [String] {
        [
            self.snapshot.id, Output.time(self.snapshot.createdAt), "\(self.snapshot.files)",
            ByteCount.text(self.snapshot.bytes),
        ]
    }
}

/// `tether backup restore`: `{"snapshot_id", "to", "files", "directories", "symlinks", "bytes"}`.
struct BackupRestoreOutput: Encodable {
    var snapshotId: String
    var to: String
    var files: Int
    var directories: Int
    var symlinks: Int
    var bytes: Int64

    enum CodingKeys: String, CodingKey {
        case snapshotId = "snapshot_id"
        case to, files, directories, symlinks, bytes
    }

    init(snapshotId: String, to: String, summary: BackupRestoreSummary) {
        self.snapshotId = snapshotId
        self.to = to
        self.files = summary.files
        self.directories = summary.directories
        self.symlinks = summary.symlinks
        self.bytes = summary.bytes
    }
}

/// `tether backup verify`: the server's scrub and, with `--deep`, the client's re-hash.
struct BackupVerifyOutput: Encodable {
    var ok: Bool
    var checkedChunks: Int
    var checkedBytes: Int64
    var corruptChunks: [String]
    /// Chunks the server found corrupt and replaced with a replica region's copy.
    var repairedChunks: [String]
    var checkedSnapshots: Int
    var corruptSnapshots: [String]
    /// With `--deep`: chunks downloaded and re-hashed by the client (`null` without).
    var downloadedChunks: Int?
    /// With `--deep`: referenced chunks that failed to download or re-hash.
    var badDownloads: [String]?

    enum CodingKeys: String, CodingKey {
        case ok
        case checkedChunks = "checked_chunks"
        case checkedBytes = "checked_bytes"
        case corruptChunks = "corrupt_chunks"
        case repairedChunks = "repaired_chunks"
        case checkedSnapshots = "checked_snapshots"
        case corruptSnapshots = "corrupt_snapshots"
        case downloadedChunks = "downloaded_chunks"
        case badDownloads = "bad_downloads"
    }

    init(_ report: BackupVerifyReport) {
        self.ok = report.ok
        self.checkedChunks = report.checkedChunks
        self.checkedBytes = report.checkedBytes
        self.corruptChunks = report.corruptChunks
        self.repairedChunks = report.repairedChunks
        self.checkedSnapshots = report.checkedSnapshots
        self.corruptSnapshots = report.corruptSnapshots
        self.downloadedChunks = report.downloadedChunks
        self.badDownloads = report.badDownloads
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.ok, forKey: .ok)
        try container.encode(self.checkedChunks, forKey: .checkedChunks)
        try container.encode(self.checkedBytes, forKey: .checkedBytes)
        try container.encode(self.corruptChunks, forKey: .corruptChunks)
        try container.encode(self.repairedChunks, forKey: .repairedChunks)
        try container.encode(self.checkedSnapshots, forKey: .checkedSnapshots)
        try container.encode(self.corruptSnapshots, forKey: .corruptSnapshots)
        try container.encode(self.downloadedChunks, forKey: .downloadedChunks)
        try container.encode(self.badDownloads, forKey: .badDownloads)
    }
}
