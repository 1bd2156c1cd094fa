/// Counts, per replica, the edits a value has seen: the causal history of one setting field.
///
/// One vector happening before another means the later edit was made by someone who had seen the
/// earlier one; two vectors that are ``Causality/concurrent`` are edits made without seeing each
/// other, which is a conflict.
public struct VersionVector: Sendable, Hashable, Codable {
    /// Edits seen from each replica (replica id → count). Missing replicas count zero.
    public private(set) var counters: [String: UInt64]

    /// An empty history.
    public init() {
        self.counters = [:]
    }

    /// A history with these counts; zero counts are dropped.
    public init(_ counters: [String: UInt64]) {
        self.counters = counters.filter { $0.value > 0 }
    }

    /// Reads the JSON object `{"replica": count, …}`.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode([String: UInt64].self))
    }

    /// Writes the JSON object `{"replica": count, …}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.counters)
    }

    /// How two histories relate.
    public enum Causality: Sendable, Hashable {
        /// The same history.
        case equal
        /// This history is contained in the other one.
        case before
        /// This history contains the other one.
        case after
        /// Neither contains the other: edits made without seeing each other.
        case concurrent
    }

    /// How this history relates to `other`.
    public func compare(_ other: VersionVector) -> Causality {
        var behind = false
        var ahead = false
        for replica in Set(self.counters.keys).union(other.counters.keys) {
            let mine = self.counters[replica, default: 0]
            let theirs = other.counters[replica, default: 0]
            if mine < theirs { behind = true }
            if mine > theirs { ahead = true }
        }
        switch (behind, ahead) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// The history of an edit that `replica` made on top of this one, as its edit number
    /// `counter`. A replica numbers all its edits with one increasing counter (not one per
    /// field), so histories of different fields of a record can be compared: a deletion whose
    /// history contains an edit has seen it.
    public func advanced(for replica: String, to counter: UInt64) -> VersionVector {
        var next = self
        next.counters[replica] = max(counter, self.counters[replica, default: 0])
        return next
    }

    /// The smallest history that contains both.
    public func merged(with other: VersionVector) -> VersionVector {
        VersionVector(self.counters.merging(other.counters, uniquingKeysWith: max))
    }
}
