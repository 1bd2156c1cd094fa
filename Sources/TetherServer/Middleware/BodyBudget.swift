import Synchronization

/// The request bytes the server holds in memory at once, across requests (`--max-bytes-in-flight`).
///
/// A request reserves its declared length (or its route's limit when it declares none) before
/// its body is read, and gives it back when its response is done; when the reservation does not
/// fit, it is refused with `503 server_busy` instead of read.
final class BodyBudget: Sendable {
    /// The most bytes that may be reserved at once.
    let capacity: Int
    private let reserved = Mutex(0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Reserves `bytes`; `false` when they do not fit beside what is reserved already.
    func reserve(_ bytes: Int) -> Bool {
        self.reserved.withLock { reserved in
            guard reserved + bytes <= self.capacity else { return false }
            reserved += bytes
            return true
        }
    }

    /// Gives back a reservation.
    func release(_ bytes: Int) {
        self.reserved.withLock { $0 -= bytes }
    }

    /// The bytes reserved now.
    var inFlight: Int {
        self.reserved.withLock { $0 }
    }
}
