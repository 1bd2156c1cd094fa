import Foundation
import TetherCore

/// Counts wrong pairing codes per client address in memory and refuses an address whose window
/// is full, so nobody can guess codes at network speed. Counts reset when the server restarts.
actor FailedClaimLimiter {
    private let limit: SlidingWindowLimit
    private var failures: [String: [Date]] = [:]
    /// Above this many tracked addresses, stale ones are swept on the next record.
    private let sweepThreshold = 10_000

    init(limit: SlidingWindowLimit) {
        self.limit = limit
    }

    /// Whether `client` may try another code at `now`.
    func decide(client: String, now: Date) -> SlidingWindowLimit.Decision {
        self.limit.decide(recent: self.failures[client] ?? [], now: now)
    }

    /// Records a wrong code from `client`.
    func record(client: String, at date: Date) {
        let start = self.limit.windowStart(endingAt: date)
        if self.failures.count > self.sweepThreshold {
            self.failures = self.failures.filter { $0.value.contains { $0 > start } }
        }
        self.failures[client, default: []].removeAll { $0 <= start }
        self.failures[client, default: []].append(date)
    }
}
