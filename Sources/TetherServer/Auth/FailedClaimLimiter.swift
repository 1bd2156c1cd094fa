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

    /// Starts a claim from `client` at `now`: when the window has room, the attempt is recorded as
    /// a wrong code in advance, so parallel guesses cannot all pass the check before any is
    /// recorded; ``forgive(client:at:)`` takes it back when the code was not wrong.
    func begin(client: String, now: Date) -> SlidingWindowLimit.Decision {
        let decision = self.decide(client: client, now: now)
        if decision == .allowed {
            self.record(client: client, at: now)
        }
        return decision
    }

    /// Takes back one attempt recorded by ``begin(client:now:)`` at `date`.
    func forgive(client: String, at date: Date) {
        guard let index = self.failures[client]?.lastIndex(of: date) else { return }
        self.failures[client]?.remove(at: index)
        if self.failures[client]?.isEmpty == true {
            self.failures[client] = nil
        }
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
