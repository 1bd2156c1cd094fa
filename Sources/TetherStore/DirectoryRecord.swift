public import Foundation
public import TetherCore

/// One account's line in the replicated account directory: where the account lives, or that it
/// was deleted (a tombstone), at a version only its home region authors.
///
/// Replicas apply a record only when it ``supersedes(_:)`` theirs, so applying one twice, or an
/// older one, changes nothing, and relayed records keep their author's version.
public struct DirectoryRecord: Sendable, Hashable {
    /// Whether the account exists.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// The account exists in ``DirectoryRecord/region``.
        case confirmed
        /// The account was deleted: a tombstone, kept for the retention so that a stale replica
        /// cannot bring the entry back.
        case deleted
    }

    /// The keyed email hash (64 lower-case hex digits).
    public var emailHash: String
    /// The home region, which authored this version.
    public var region: RegionID
    /// Confirmed or deleted.
    public var state: State
    /// Orders the changes of this entry.
    public var version: DirectoryVersion
    /// The home region's Ed25519 signature of the other fields (peer protocol 2); `nil` for a
    /// region without keys, and for records authored before protocol 2.
    public var signature: Data?

    /// Creates a record.
    public init(
        emailHash: String,
        region: RegionID,
        state: State,
        version: DirectoryVersion,
        signature: Data? = nil
    ) {
        self.emailHash = emailHash
        self.region = region
        self.state = state
        self.version = version
        self.signature = signature
    }

    /// Whether this record replaces `other` (the same entry at another version): a higher
    /// version wins; equal versions (two regions authoring in the same tick) are ordered by
    /// region id, then a tombstone over a confirmation, so every replica picks the same one.
    public func supersedes(_ other: DirectoryRecord) -> Bool {
        if self.version != other.version { return self.version > other.version }
        if self.region != other.region { return self.region.rawValue > other.region.rawValue }
        return self.state == .deleted && other.state == .confirmed
    }
}

/// A record with the position of its last change in this replica's change sequence.
public struct SequencedDirectoryRecord: Sendable, Hashable {
    /// The record.
    public var record: DirectoryRecord
    /// Increases with every change this replica makes or applies.
    public var seq: Int64

    /// Creates a sequenced record.
    public init(record: DirectoryRecord, seq: Int64) {
        self.record = record
        self.seq = seq
    }
}
