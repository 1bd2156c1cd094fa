/// One key range of a ``RangeSummary``: every record whose key starts with ``prefix``.
///
/// A range holding at most the summary's leaf capacity is a **leaf**, hashed over its entries;
/// a larger one is a **branch** of 16 sub-ranges (one per next hex digit), hashed over theirs.
/// The shape depends only on the records, so equal sets give equal hashes everywhere.
public struct RangeNode: Sendable, Hashable {
    /// The key prefix (`""` for the root).
    public var prefix: String
    /// How many records the range holds.
    public var count: Int
    /// The range's hash (``ReplicaDigest/empty`` when it holds none).
    public var hash: ReplicaDigest
    /// A branch's 16 sub-ranges, in digit order; `nil` for a leaf.
    public var children: [RangeChild]?
    /// The range's entries in key order: always for a leaf, for a branch when asked.
    public var entries: [ReplicaEntry]?

    /// Creates a node.
    public init(prefix: String, count: Int, hash: ReplicaDigest, children: [RangeChild]?, entries: [ReplicaEntry]?) {
        self.prefix = prefix
        self.count = count
        self.hash = hash
        self.children = children
        self.entries = entries
    }

    /// Whether two replicas hold the same records in this range.
    public func matches(_ other: RangeNode) -> Bool {
        self.count == other.count && self.hash == other.hash
    }
}

/// A sub-range as its parent branch lists it.
public struct RangeChild: Sendable, Hashable {
    /// How many records it holds.
    public var count: Int
    /// Its hash.
    public var hash: ReplicaDigest

    /// Creates a child summary.
    public init(count: Int, hash: ReplicaDigest) {
        self.count = count
        self.hash = hash
    }
}

/// What one replica asks another about a range.
public struct RangeQuery: Sendable, Hashable {
    /// The key prefix of the range.
    public var prefix: String
    /// Whether to list the range's entries even when it is a branch there (the asker's range is a
    /// leaf, so it compares entries rather than sub-ranges).
    public var wantsEntries: Bool

    /// Creates a query.
    public init(prefix: String, wantsEntries: Bool) {
        self.prefix = prefix
        self.wantsEntries = wantsEntries
    }
}
