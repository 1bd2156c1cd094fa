/// A hybrid logical clock reading: wall-clock milliseconds, a counter for events within one
/// millisecond (or while the wall clock lags), and the replica that stamped it.
///
/// Readings are totally ordered (milliseconds, counter, replica), and an edit made after seeing
/// another always reads later (``HybridClock`` guarantees it), so "the later edit" never
/// contradicts causality. Clients stamp with their clock corrected by the offset the home
/// server's time showed, so a client clock that is wrong does not make its edits older or newer.
public struct HybridTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970 (of the corrected wall clock).
    public var wallMillis: Int64
    /// Orders readings that share `wallMillis`.
    public var counter: UInt32
    /// The replica that stamped it; breaks the last ties.
    public var replica: String

    /// Creates a reading.
    public init(wallMillis: Int64, counter: UInt32 = 0, replica: String) {
        self.wallMillis = wallMillis
        self.counter = counter
        self.replica = replica
    }

    public static func < (lhs: HybridTimestamp, rhs: HybridTimestamp) -> Bool {
        (lhs.wallMillis, lhs.counter, lhs.replica) < (rhs.wallMillis, rhs.counter, rhs.replica)
    }

    /// `wallMillis.counter@replica`, e.g. `1764640000000.0@cli-3f2a`.
    public var description: String { "\(self.wallMillis).\(self.counter)@\(self.replica)" }
}

/// Stamps edits of one replica with ``HybridTimestamp``s that increase and respect causality.
public struct HybridClock: Sendable, Hashable, Codable {
    /// The replica this clock stamps for.
    public let replica: String
    /// The last reading given out or seen.
    public private(set) var last: HybridTimestamp

    /// A clock for `replica` that has seen nothing yet.
    public init(replica: String) {
        self.replica = replica
        self.last = HybridTimestamp(wallMillis: 0, replica: replica)
    }

    /// A reading for a new edit at wall-clock time `nowMillis`, later than every reading before.
    public mutating func tick(nowMillis: Int64) -> HybridTimestamp {
        if nowMillis > self.last.wallMillis {
            self.last = HybridTimestamp(wallMillis: nowMillis, replica: self.replica)
        } else {
            self.last = HybridTimestamp(
                wallMillis: self.last.wallMillis,
                counter: self.last.counter + 1,
                replica: self.replica
            )
        }
        return self.last
    }

    /// Takes in a reading from another replica, so the next ``tick(nowMillis:)`` reads later.
    public mutating func observe(_ remote: HybridTimestamp) {
        if (remote.wallMillis, remote.counter) > (self.last.wallMillis, self.last.counter) {
            self.last = HybridTimestamp(wallMillis: remote.wallMillis, counter: remote.counter, replica: self.replica)
        }
    }
}
