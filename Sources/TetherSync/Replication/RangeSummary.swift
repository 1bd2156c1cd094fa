import Crypto

/// A range-hash (Merkle) tree over a set of records, by key prefix: 16 buckets per level,
/// leaves of at most ``leafCapacity`` records.
///
/// Two replicas compare their roots; where a range differs they compare its 16 sub-ranges, and so
/// on down to the leaves, whose entries name the records that differ (``RangeReconciliation``).
/// Pure and synchronous: building it hashes every entry once and every node once.
///
/// ```swift
/// let summary = RangeSummary(records: localRecords)
/// let answers = summary.answer(queriesFromPeer)
/// ```
///
/// - Complexity: building is O(*n* log *n*) for *n* records; a node lookup is O(1).
public struct RangeSummary: Sendable {
    /// Sub-ranges per branch: one per hex digit.
    public static let fanOut = 16
    /// The default leaf capacity.
    public static let defaultLeafCapacity = 16

    /// The most records a leaf holds (unless their keys share the whole prefix).
    public let leafCapacity: Int
    /// Every entry, in key order.
    public let entries: [ReplicaEntry]
    private var nodes: [String: Node] = [:]

    private struct Node: Sendable {
        var range: Range<Int>
        var hash: ReplicaDigest
        var children: [RangeChild]?
    }

    /// Summarises `entries` (keys must be unique, lower-case hex).
    ///
    /// - Precondition: `leafCapacity` is at least 1.
    public init(entries: some Sequence<ReplicaEntry>, leafCapacity: Int = Self.defaultLeafCapacity) {
        precondition(leafCapacity >= 1, "a leaf holds at least one record")
        self.leafCapacity = leafCapacity
        self.entries = entries.sorted { $0.key < $1.key }
        _ = self.build(prefix: "", range: self.entries.indices)
    }

    /// Summarises `records`.
    public init<Record: ReplicaRecord>(records: some Sequence<Record>, leafCapacity: Int = Self.defaultLeafCapacity) {
        self.init(entries: records.lazy.map(\.replicaEntry), leafCapacity: leafCapacity)
    }

    /// How many records the summary covers.
    public var count: Int { self.entries.count }

    /// The root range, which covers every record.
    public var root: RangeNode { self.node(at: "", listingEntries: false) }

    /// The node for `prefix`, with its entries when it is a leaf or `listingEntries` is set.
    ///
    /// A prefix below the tree's nodes is an empty range, or part of a leaf: its entries, hashed
    /// as a leaf (the node another replica with the same records there would have).
    public func node(at prefix: String, listingEntries: Bool = false) -> RangeNode {
        if let node = self.nodes[prefix] {
            let listed = node.children == nil || listingEntries
            return RangeNode(
                prefix: prefix,
                count: node.range.count,
                hash: node.hash,
                children: node.children,
                entries: listed ? Array(self.entries[node.range]) : nil
            )
        }
        let inside = self.entriesBelowTree(prefix)
        return RangeNode(
            prefix: prefix,
            count: inside.count,
            hash: inside.isEmpty ? .empty : Self.leafHash(inside[...]),
            children: nil,
            entries: inside
        )
    }

    /// The entries whose keys start with `prefix`, in key order.
    public func entries(withPrefix prefix: String) -> [ReplicaEntry] {
        self.node(at: prefix, listingEntries: true).entries ?? []
    }

    /// Answers a peer's queries, one node per query.
    public func answer(_ queries: [RangeQuery]) -> [RangeNode] {
        queries.map { self.node(at: $0.prefix, listingEntries: $0.wantsEntries) }
    }

    /// Builds the node for `prefix` over `range` of ``entries`` and those below it.
    private mutating func build(prefix: String, range: Range<Int>) -> RangeChild {
        if range.isEmpty {
            if prefix.isEmpty { self.nodes[prefix] = Node(range: range, hash: .empty, children: nil) }
            return RangeChild(count: 0, hash: .empty)
        }
        let depth = prefix.utf8.count
        let isLeaf =
            range.count <= self.leafCapacity || self.entries[range].contains { $0.key.utf8.count <= depth }
        if isLeaf {
            let hash = Self.leafHash(self.entries[range])
            self.nodes[prefix] = Node(range: range, hash: hash, children: nil)
            return RangeChild(count: range.count, hash: hash)
        }
        var children: [RangeChild] = []
        children.reserveCapacity(Self.fanOut)
        var start = range.lowerBound
        for digit in HexKey.digits {
            var end = start
            while end < range.upperBound, self.entries[end].key.utf8.dropFirst(depth).first == digit { end += 1 }
            let childPrefix = prefix + String(decoding: [digit], as: UTF8.self)
            children.append(self.build(prefix: childPrefix, range: start..<end))
            start = end
        }
        precondition(start == range.upperBound, "record keys must be lower-case hex")
        let hash = Self.branchHash(children)
        self.nodes[prefix] = Node(range: range, hash: hash, children: children)
        return RangeChild(count: range.count, hash: hash)
    }

    /// The entries starting with `prefix`, which has no node: those of the leaf it falls in, or
    /// none when it falls in an empty sub-range of a branch.
    private func entriesBelowTree(_ prefix: String) -> [ReplicaEntry] {
        var parent = Substring(prefix)
        while !parent.isEmpty {
            parent = parent.dropLast()
            if let node = self.nodes[String(parent)] {
                guard node.children == nil else { return [] }
                return self.entries[node.range].filter { $0.key.hasPrefix(prefix) }
            }
        }
        return []
    }

    /// SHA-256 over `0x00`, then each entry's key, a zero byte and its digest.
    static func leafHash(_ entries: ArraySlice<ReplicaEntry>) -> ReplicaDigest {
        var hasher = SHA256()
        hasher.update(data: [0])
        for entry in entries {
            hasher.update(data: Array(entry.key.utf8) + [0])
            hasher.update(data: entry.digest.bytes)
        }
        return ReplicaDigest(hasher.finalize())
    }

    /// SHA-256 over `0x01`, then each child's count (8 bytes, big-endian) and hash.
    static func branchHash(_ children: [RangeChild]) -> ReplicaDigest {
        var hasher = SHA256()
        hasher.update(data: [1])
        for child in children {
            withUnsafeBytes(of: UInt64(child.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: child.hash.bytes)
        }
        return ReplicaDigest(hasher.finalize())
    }
}
