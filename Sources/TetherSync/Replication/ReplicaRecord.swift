/// A record that range reconciliation keeps equal between replicas: the directory's entries
/// today, settings and backup manifests later.
///
/// Two replicas hold the same record exactly when key and ``canonicalEncoding`` are equal, so
/// the encoding must cover everything that replicates, the version included, and be the same
/// bytes on every replica.
public protocol ReplicaRecord: Sendable {
    /// The record's key: lower-case hex digits (a hash), so keys spread evenly over the buckets.
    var replicaKey: String { get }
    /// The bytes the record's digest is taken over.
    var canonicalEncoding: [UInt8] { get }
}

extension ReplicaRecord {
    /// The record's key and the SHA-256 of its canonical encoding.
    public var replicaEntry: ReplicaEntry {
        ReplicaEntry(key: self.replicaKey, digest: ReplicaDigest(hashing: self.canonicalEncoding))
    }
}

/// What a summary knows of one record: its key and digest.
public struct ReplicaEntry: Sendable, Hashable {
    /// The record's key (lower-case hex).
    public var key: String
    /// The SHA-256 of its canonical encoding.
    public var digest: ReplicaDigest

    /// Creates an entry.
    public init(key: String, digest: ReplicaDigest) {
        self.key = key
        self.digest = digest
    }
}
