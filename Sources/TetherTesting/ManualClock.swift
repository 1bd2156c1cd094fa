public import Foundation
import Synchronization
import TetherCore

/// A settable "now" for ``ServerConfig/clock``, so tests move time instead of sleeping.
///
/// ```swift
/// let clock = ManualClock()
/// var config = ServerConfig.testing
/// config.clock = clock.now
/// clock.advance(by: .seconds(601))
/// ```
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start` (default: the wall clock at creation).
    public init(start: Date = Date()) {
        self.current = Mutex(start)
    }

    /// The current time; pass `clock.now` as a `@Sendable () -> Date`.
    @Sendable public func now() -> Date {
        self.current.withLock { $0 }
    }

    /// Moves time forward.
    public func advance(by duration: Duration) {
        self.current.withLock { $0 = $0.addingTimeInterval(duration.timeInterval) }
    }
}
