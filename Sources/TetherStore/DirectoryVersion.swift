public import Foundation

/// The version of a directory record: a hybrid logical timestamp, Unix milliseconds shifted
/// left by 16 bits plus a counter.
///
/// A home region authors a new version above its wall clock, above every version its replica
/// holds, and above every version its peers reported for the entry while reserving it, so a
/// change always orders after the ones it could know of, whatever the clocks say. The physical
/// part dates tombstones for their retention.
public struct DirectoryVersion: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The timestamp as stored and sent.
    public var rawValue: Int64

    /// Wraps a stored or received timestamp.
    public init(rawValue: Int64) {
        self.rawValue = rawValue
    }

    /// The lowest version at the wall-clock time `date` (counter zero).
    public init(wallClock date: Date) {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded(.down))
        self.rawValue = max(0, milliseconds) << 16
    }

    /// The wall-clock time the version was authored at (to the millisecond).
    public var physicalTime: Date {
        Date(timeIntervalSince1970: Double(self.rawValue >> 16) / 1_000)
    }

    /// The next version after this one.
    public var successor: DirectoryVersion {
        DirectoryVersion(rawValue: self.rawValue + 1)
    }

    public static func < (lhs: DirectoryVersion, rhs: DirectoryVersion) -> Bool {
        lhs.rawValue < rhs.rawValue
    }

    public var description: String { String(self.rawValue) }
}
