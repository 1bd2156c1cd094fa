public import Foundation

extension Date {
    /// The date `milliseconds` after 1970-01-01 UTC (the telemetry wire's time unit).
    public init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1_000)
    }

    /// Milliseconds since 1970-01-01 UTC, to the nearest one, so `Date(milliseconds: m).milliseconds`
    /// is `m` despite floating-point error (as SQLite records keep them, through GRDB).
    public var milliseconds: Int64 { Int64((self.timeIntervalSince1970 * 1_000).rounded()) }
}

extension Duration {
    /// The duration in whole nanoseconds (for metrics timers).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
