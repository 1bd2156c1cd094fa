public import Foundation

/// The device times a server accepts, relative to its clock; either side may be off.
public struct TimestampWindow: Sendable, Hashable {
    /// How far in the past an event may be; `nil` accepts any.
    public var maxPast: Duration?
    /// How far in the future an event may be; `nil` accepts any.
    public var maxFuture: Duration?

    /// Creates a window. The default accepts 30 days in the past and 5 minutes in the future.
    public init(maxPast: Duration? = .seconds(30 * 86_400), maxFuture: Duration? = .seconds(300)) {
        self.maxPast = maxPast
        self.maxFuture = maxFuture
    }

    /// A window that accepts every time, for replays and benchmarks of old workloads.
    public static let unbounded = TimestampWindow(maxPast: nil, maxFuture: nil)

    /// Checks a device time (milliseconds since 1970) against `now`; `field` names it in the rejection.
    public func check(_ timestamp: Int64, now: Date, field: String = "ts") throws(TelemetryRejection) {
        let nowMilliseconds = now.milliseconds
        if let maxPast = self.maxPast, timestamp < nowMilliseconds - maxPast.milliseconds {
            throw TelemetryRejection(field: field, "is more than \(maxPast.settingDescription) in the past")
        }
        if let maxFuture = self.maxFuture, timestamp > nowMilliseconds + maxFuture.milliseconds {
            throw TelemetryRejection(field: field, "is more than \(maxFuture.settingDescription) in the future")
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Reads an optional duration setting: `off` means none; zero is refused.
    public init?(optionalSetting text: String, field: String) throws(TetherError) {
        if text.trimmingWhitespace() == "off" { return nil }
        self = try Duration(setting: text, field: field)
        guard self > .zero else { throw .invalidField(field, "must be longer than zero, or off") }
    }
}
