import Synchronization
public import TetherCore

/// The nonces of the peer requests accepted within the signature window, so a recorded request
/// sent again is refused. A nonce older than the window needs no memory: its time alone refuses
/// it.
///
/// One guard per server process: a region of several nodes shares no memory, so there the same
/// request could be accepted once per node within the window (see `protocols/sync.md`).
public final class PeerReplayGuard: Sendable {
    /// Nonces by sender, with the time each request was signed (milliseconds).
    private let seen = Mutex<[String: Int64]>([:])
    /// How long a nonce is remembered: the window on each side of now.
    private let windowMilliseconds: Int64

    /// A guard for signatures accepted `window` either side of now.
    public init(window: Duration) {
        self.windowMilliseconds = Int64(window / .milliseconds(1))
    }

    /// Records `sender`'s `nonce`; `false` when it was accepted before (a replay).
    public func admit(sender: RegionID, nonce: String, signedAt: Int64, now: Int64) -> Bool {
        let key = sender.rawValue + " " + nonce
        return self.seen.withLock { seen in
            if seen.count >= 4_096 && seen.count.isMultiple(of: 1_024) {
                // Forget what the window refuses anyway; a nonce is kept until its time is older
                // than the window, when the time check takes over.
                let horizon = now - 2 * self.windowMilliseconds
                seen = seen.filter { $0.value >= horizon }
            }
            return seen.updateValue(signedAt, forKey: key) == nil
        }
    }
}
