import Foundation
import Synchronization
import TetherCore

/// Counts events per client address in memory (wrong pairing codes, registrations, unknown
/// device credentials) and refuses an address whose window is full. Counts reset when the server
/// restarts.
///
/// Memory is bounded: above ``capacity`` tracked addresses, those with no event in the window
/// go first, then those whose latest event is oldest. A lock, not an actor: the credential check
/// asks on every device request.
final class AddressLimiter: Sendable {
    private let limit: SlidingWindowLimit
    private let events = Mutex<[String: [Date]]>([:])
    /// The most addresses tracked at once.
    let capacity: Int

    init(limit: SlidingWindowLimit, capacity: Int = 100_000) {
        self.limit = limit
        self.capacity = capacity
    }

    /// Whether `client` may have another event at `now`.
    func decide(client: String, now: Date) -> SlidingWindowLimit.Decision {
        self.events.withLock { self.limit.decide(recent: $0[client] ?? [], now: now) }
    }

    /// Starts an attempt from `client` at `now`: when the window has room, the attempt is
    /// recorded in advance, so parallel attempts cannot all pass the check before any is
    /// recorded; ``forgive(client:at:)`` takes it back when it turns out not to count.
    func begin(client: String, now: Date) -> SlidingWindowLimit.Decision {
        self.events.withLock { events in
            let decision = self.limit.decide(recent: events[client] ?? [], now: now)
            if decision == .allowed {
                self.record(client: client, at: now, in: &events)
            }
            return decision
        }
    }

    /// Takes back one event recorded by ``begin(client:now:)`` at `date`.
    func forgive(client: String, at date: Date) {
        self.events.withLock { events in
            guard let index = events[client]?.lastIndex(of: date) else { return }
            events[client]?.remove(at: index)
            if events[client]?.isEmpty == true {
                events[client] = nil
            }
        }
    }

    /// Records an event from `client`.
    func record(client: String, at date: Date) {
        self.events.withLock { self.record(client: client, at: date, in: &$0) }
    }

    private func record(client: String, at date: Date, in events: inout [String: [Date]]) {
        let start = self.limit.windowStart(endingAt: date)
        if events[client] == nil, events.count >= self.capacity {
            self.makeRoom(in: &events, windowStart: start)
        }
        events[client, default: []].removeAll { $0 <= start }
        events[client, default: []].append(date)
    }

    /// Drops addresses with nothing in the window; when that leaves the table over nine tenths
    /// full, also those whose latest event is oldest, so a flood of new addresses costs one
    /// sweep per tenth of ``capacity``.
    ///
    /// - Complexity: O(*n* log *n*) in the number of tracked addresses.
    private func makeRoom(in events: inout [String: [Date]], windowStart start: Date) {
        events = events.filter { $0.value.contains { $0 > start } }
        let keep = self.capacity * 9 / 10
        guard events.count > keep else { return }
        let newestFirst = events.sorted { ($0.value.last ?? .distantPast) > ($1.value.last ?? .distantPast) }
        events = Dictionary(uniqueKeysWithValues: newestFirst.prefix(keep).map { ($0.key, $0.value) })
    }
}
