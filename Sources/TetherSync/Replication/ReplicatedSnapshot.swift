public import Foundation
public import TetherCore
public import TetherStore

/// A committed snapshot as it travels to a replica: its record and its manifest, still sealed
/// under the account's data key (a `snapshot` record's payload, JSON).
public struct ReplicatedSnapshot: Sendable, Hashable, Codable {
    /// The snapshot id.
    public var id: String
    /// When it was committed, Unix milliseconds.
    public var createdAtMs: Int64
    /// Files in it.
    public var files: Int
    /// The files' bytes.
    public var bytes: Int64
    /// The manifest's AES-GCM box, as the home region stores it.
    public var manifest: Data

    enum CodingKeys: String, CodingKey {
        case id
        case createdAtMs = "created_at_ms"
        case files, bytes, manifest
    }

    /// The replicated form of `record` and its sealed manifest.
    public init(_ record: BackupSnapshotRecord, manifest: Data) {
        self.id = record.id
        self.createdAtMs = record.createdAt.milliseconds
        self.files = record.files
        self.bytes = record.bytes
        self.manifest = manifest
    }

    /// The record it describes, for `account`.
    public func record(account: AccountID) -> BackupSnapshotRecord {
        BackupSnapshotRecord(
            id: self.id,
            account: account,
            createdAt: Date(milliseconds: self.createdAtMs),
            files: self.files,
            bytes: self.bytes
        )
    }

    /// The JSON payload.
    public func encoded() throws -> [UInt8] {
        Array(try JSONEncoder().encode(self))
    }

    /// Reads a payload.
    public static func decode(_ payload: [UInt8]) throws -> ReplicatedSnapshot {
        try JSONDecoder().decode(ReplicatedSnapshot.self, from: Data(payload))
    }
}
