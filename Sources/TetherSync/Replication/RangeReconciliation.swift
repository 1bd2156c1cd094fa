/// One replica's side of a reconciliation with a peer: it walks the peer's ``RangeSummary``
/// top-down, asking only about ranges that differ, and ends with the keys to fetch from the
/// peer and to send to it.
///
/// Pure: the caller carries ``queries`` to the peer (which answers with
/// ``RangeSummary/answer(_:)``) and hands the answers to ``receive(_:)`` until
/// ``isFinished``. Replicas that differ in *d* records exchange O(*d* · depth) nodes and the
/// entries of at most *d* leaves.
///
/// ```swift
/// var reconciliation = RangeReconciliation(local: summary)
/// while !reconciliation.isFinished {
///     try reconciliation.receive(await peer.answer(reconciliation.queries))
/// }
/// ```
public struct RangeReconciliation: Sendable {
    /// The local summary.
    public let local: RangeSummary
    /// What to ask the peer next; empty once finished.
    public private(set) var queries: [RangeQuery]
    /// Keys whose record the peer holds and this replica lacks or holds differently.
    public private(set) var keysToFetch: Set<String> = []
    /// Keys whose record this replica holds and the peer lacks or holds differently.
    public private(set) var keysToSend: Set<String> = []
    /// Ranges only the peer holds records in: fetch all of them.
    public private(set) var prefixesToFetch: Set<String> = []
    /// Ranges only this replica holds records in: send all of them.
    public private(set) var prefixesToSend: Set<String> = []
    /// Round trips so far.
    public private(set) var rounds = 0
    /// Nodes and entries the peer answered with so far (the cost of finding the difference).
    public private(set) var nodesReceived = 0
    /// Entries listed in the nodes received so far.
    public private(set) var entriesReceived = 0

    /// Starts at the root.
    public init(local: RangeSummary) {
        self.local = local
        self.queries = [Self.query("", in: local)]
    }

    /// Whether the difference is known.
    public var isFinished: Bool { self.queries.isEmpty }

    /// Whether the two replicas turned out equal (once finished).
    public var foundNoDifference: Bool {
        self.keysToFetch.isEmpty && self.keysToSend.isEmpty && self.prefixesToFetch.isEmpty
            && self.prefixesToSend.isEmpty
    }

    /// The keys of every local record to send: ``keysToSend`` and the records in ``prefixesToSend``.
    public var allKeysToSend: [String] {
        let ranged = self.prefixesToSend.sorted().flatMap { self.local.entries(withPrefix: $0).map(\.key) }
        return self.keysToSend.sorted() + ranged
    }

    /// Takes the peer's answers to ``queries`` and prepares the next ones.
    ///
    /// - Throws: ``ReconciliationError`` when the answers do not match the queries.
    public mutating func receive(_ answers: [RangeNode]) throws(ReconciliationError) {
        guard answers.count == self.queries.count,
            zip(answers, self.queries).allSatisfy({ $0.prefix == $1.prefix })
        else { throw ReconciliationError(reason: "answers do not match the queries") }
        self.rounds += 1
        self.nodesReceived += answers.count
        var next: [RangeQuery] = []
        for remote in answers {
            self.entriesReceived += remote.entries?.count ?? 0
            let local = self.local.node(at: remote.prefix)
            if remote.matches(local) { continue }
            if local.count == 0 {
                self.prefixesToFetch.insert(remote.prefix)
            } else if remote.count == 0 {
                self.prefixesToSend.insert(remote.prefix)
            } else if let entries = remote.entries {
                self.compare(remote: entries, local: self.local.entries(withPrefix: remote.prefix))
            } else if let remoteChildren = remote.children, let localChildren = local.children,
                remoteChildren.count == RangeSummary.fanOut
            {
                for (digit, (theirs, ours)) in zip(HexKey.digits, zip(remoteChildren, localChildren)) {
                    guard theirs != ours else { continue }
                    let prefix = remote.prefix + String(decoding: [digit], as: UTF8.self)
                    if ours.count == 0 {
                        self.prefixesToFetch.insert(prefix)
                    } else if theirs.count == 0 {
                        self.prefixesToSend.insert(prefix)
                    } else {
                        next.append(Self.query(prefix, in: self.local))
                    }
                }
            } else {
                throw ReconciliationError(reason: "range \"\(remote.prefix)\" has neither entries nor 16 children")
            }
        }
        self.queries = next
    }

    private mutating func compare(remote: [ReplicaEntry], local: [ReplicaEntry]) {
        let ours = Dictionary(local.map { ($0.key, $0.digest) }, uniquingKeysWith: { first, _ in first })
        let theirs = Dictionary(remote.map { ($0.key, $0.digest) }, uniquingKeysWith: { first, _ in first })
        for (key, digest) in theirs where ours[key] != digest { self.keysToFetch.insert(key) }
        for (key, digest) in ours where theirs[key] != digest { self.keysToSend.insert(key) }
    }

    /// A query for `prefix`, asking for entries when the local range there is a leaf that holds
    /// records (an empty one fetches the whole range instead).
    private static func query(_ prefix: String, in summary: RangeSummary) -> RangeQuery {
        let node = summary.node(at: prefix)
        return RangeQuery(prefix: prefix, wantsEntries: node.children == nil && node.count > 0)
    }
}

/// A peer's answers that cannot be reconciled against (a bug or a version mismatch).
public struct ReconciliationError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String

    public var description: String { "range reconciliation failed: \(self.reason)" }
}
