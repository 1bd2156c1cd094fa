public import TetherCore
public import TetherGeo

/// The bucket of a device's daily usage: one function and operation on the UTC day the use
/// started.
public struct UsageKey: Sendable, Hashable {
    /// The UTC day of the use's start time (not of the event's device time).
    public var day: UTCDay
    /// The function used.
    public var function: String
    /// The operation performed.
    public var operation: String

    /// Creates a key.
    public init(day: UTCDay, function: String, operation: String) {
        self.day = day
        self.function = function
        self.operation = operation
    }
}

/// How often and how long a ``UsageKey`` was used: an increment to add to the stored totals.
public struct UsageTotals: Sendable, Hashable {
    /// Number of uses.
    public var count: Int
    /// Their summed duration in milliseconds.
    public var durationMilliseconds: Int64

    /// Creates totals.
    public init(count: Int, durationMilliseconds: Int64) {
        self.count = count
        self.durationMilliseconds = durationMilliseconds
    }

    /// Nothing used.
    public static let zero = UsageTotals(count: 0, durationMilliseconds: 0)

    /// The sum of two increments.
    public static func + (lhs: UsageTotals, rhs: UsageTotals) -> UsageTotals {
        UsageTotals(
            count: lhs.count + rhs.count,
            durationMilliseconds: lhs.durationMilliseconds + rhs.durationMilliseconds
        )
    }
}

/// The bucket of an operator statistic: events of one kind from one model and software version
/// on the UTC day of the event's device time. It names no account or device.
public struct StatisticKey: Sendable, Hashable {
    /// The UTC day of the event's device time.
    public var day: UTCDay
    /// The event's kind.
    public var kind: TelemetryKind
    /// The device's model: the newest reported one, else the one it was registered with.
    public var model: String
    /// The device's software version at the event; the empty string when it never had one.
    public var softwareVersion: String

    /// Creates a key.
    public init(day: UTCDay, kind: TelemetryKind, model: String, softwareVersion: String) {
        self.day = day
        self.kind = kind
        self.model = model
        self.softwareVersion = softwareVersion
    }
}

/// A learned radio landmark to store under its key, replacing the stored one.
public struct LandmarkUpdate: Sendable, Hashable {
    /// The landmark with every fix of the batch folded in.
    public var landmark: RadioLandmark
    /// Device time of the newest scan that taught it.
    public var updatedAt: Int64

    /// Creates an update.
    public init(landmark: RadioLandmark, updatedAt: Int64) {
        self.landmark = landmark
        self.updatedAt = updatedAt
    }

    /// This update followed by `later`, learned from a landmark that already held this one: the
    /// later landmark, at the newer of the two times.
    public func followed(by later: LandmarkUpdate) -> LandmarkUpdate {
        LandmarkUpdate(landmark: later.landmark, updatedAt: max(self.updatedAt, later.updatedAt))
    }
}
