public import Foundation

/// One failed sign-in: for which email, from which client address, when.
public struct FailedSignIn: Sendable, Hashable {
    /// The email that was tried (known or not).
    public var email: EmailAddress
    /// The client address it came from (`unknown` when the server saw none).
    public var address: String
    /// When it failed.
    public var at: Date

    /// Creates a record.
    public init(email: EmailAddress, address: String, at: Date) {
        self.email = email
        self.address = address
        self.at = at
    }
}

/// The rule behind sign-in throttling: failures are counted per email and client address, per
/// address over every email, and per email over every address, all in one ``window``.
///
/// - Per (email, address): at most ``perEmailAndAddress`` failures. Someone guessing one
///   account's password from one address is stopped, and its owner, elsewhere, is not.
/// - Per address: at most ``perAddress`` failures for any emails together, so one address
///   cannot spread guesses (and bcrypt work) over many accounts.
/// - Per email: once ``perEmail`` failures from all addresses fill the window, the account is
///   under a spread attack and every address gets one attempt per window for it instead of
///   ``perEmailAndAddress``. An address that has not failed for the email still gets its
///   attempt, so the owner is never locked out of a new address: after a typo there, the wait
///   is one window at most.
///
/// ```swift
/// let budget = SignInBudget(perEmailAndAddress: 5, perAddress: 20, perEmail: 50, window: .seconds(900))
/// switch budget.decide(failures: recent, email: email, address: "203.0.113.7", now: now) { … }
/// ```
public struct SignInBudget: Sendable, Hashable {
    /// Failures one address may have for one email in the window.
    public var perEmailAndAddress: Int
    /// Failures one address may have for all emails together in the window.
    public var perAddress: Int
    /// Failures one email may have from all addresses in the window before each address gets
    /// only one attempt for it.
    public var perEmail: Int
    /// The window every count is over.
    public var window: Duration

    /// Creates a budget.
    public init(perEmailAndAddress: Int, perAddress: Int, perEmail: Int, window: Duration) {
        self.perEmailAndAddress = perEmailAndAddress
        self.perAddress = perAddress
        self.perEmail = perEmail
        self.window = window
    }

    /// The start of the window that ends at `now`; failures at or before it no longer count.
    public func windowStart(endingAt now: Date) -> Date {
        now.addingTimeInterval(-self.window.timeInterval)
    }

    /// Whether `address` may try `email` at `now`, given earlier `failures` (any order; those that
    /// are neither for `email` nor from `address`, and those at or before the window's start, are
    /// ignored). When several limits are full, the retry waits for the last of them.
    ///
    /// - Complexity: O(*n* log *n*) in the number of failures.
    public func decide(
        failures: [FailedSignIn],
        email: EmailAddress,
        address: String,
        now: Date
    ) -> SlidingWindowLimit.Decision {
        let start = self.windowStart(endingAt: now)
        let recent = failures.filter { $0.at > start }
        let forEmail = recent.filter { $0.email == email }
        let underAttack = forEmail.count >= self.perEmail
        let perPair = underAttack ? min(1, self.perEmailAndAddress) : self.perEmailAndAddress
        let decisions = [
            SlidingWindowLimit(limit: perPair, window: self.window)
                .decide(recent: forEmail.filter { $0.address == address }.map(\.at), now: now),
            SlidingWindowLimit(limit: self.perAddress, window: self.window)
                .decide(recent: recent.filter { $0.address == address }.map(\.at), now: now),
        ]
        let waits = decisions.compactMap { decision -> Int? in
            guard case .refused(let seconds) = decision else { return nil }
            return seconds
        }
        return waits.max().map { .refused(retryAfterSeconds: $0) } ?? .allowed
    }
}
