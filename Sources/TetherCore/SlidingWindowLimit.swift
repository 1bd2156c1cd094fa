public import Foundation

/// At most ``limit`` events in any ``window``: the rule behind sign-in throttling, pairing-code
/// rate limits and failed-claim limits.
///
/// ```swift
/// let limit = SlidingWindowLimit(limit: 5, window: .seconds(900))
/// switch limit.decide(recent: failures, now: now) { … }
/// ```
public struct SlidingWindowLimit: Sendable, Hashable {
    /// What ``decide(recent:now:)`` concludes.
    public enum Decision: Sendable, Hashable {
        /// Another event fits in the window.
        case allowed
        /// The window is full; one more fits after this many whole seconds.
        case refused(retryAfterSeconds: Int)
    }

    /// The most events allowed in any window; `0` or less allows none.
    public var limit: Int
    /// The window's length.
    public var window: Duration

    /// Creates a limit of `limit` events per `window`.
    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// The start of the window that ends at `now`; events at or before it no longer count.
    public func windowStart(endingAt now: Date) -> Date {
        now.addingTimeInterval(-self.window.timeInterval)
    }

    /// Whether one more event fits at `now`, given other events `recent` (any order; events at or
    /// before the window's start are ignored). Events stamped after `now` count: a concurrent
    /// attempt that read the clock a moment later can be recorded first, and ignoring it would let
    /// parallel attempts overrun the limit.
    ///
    /// - Complexity: O(*n* log *n*) in the number of events.
    public func decide(recent: [Date], now: Date) -> Decision {
        let windowSeconds = Int(self.window.timeInterval.rounded(.up))
        guard self.limit > 0 else { return .refused(retryAfterSeconds: max(1, windowSeconds)) }
        let start = self.windowStart(endingAt: now)
        let counted = recent.filter { $0 > start }.sorted()
        guard counted.count >= self.limit else { return .allowed }
        // The window slides: a slot frees when the oldest event that keeps it full leaves.
        let freeingEvent = counted[counted.count - self.limit]
        let retryAt = freeingEvent.addingTimeInterval(self.window.timeInterval)
        return .refused(retryAfterSeconds: max(1, Int(retryAt.timeIntervalSince(now).rounded(.up))))
    }
}
