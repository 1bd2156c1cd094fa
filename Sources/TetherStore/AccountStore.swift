public import Foundation
public import TetherCore

/// Stores accounts, their password hashes and the record of failed sign-ins.
///
/// Every method is scoped: nothing returns another account's data.
public protocol AccountStore: Sendable {
    /// Inserts a new account and, when given, its first session, in one transaction.
    ///
    /// Atomic: the unique email decides (the insert itself, not a read before it), so of
    /// concurrent registrations of one email exactly one succeeds.
    ///
    /// - Throws: ``TetherError/emailTaken`` when the email is in use; nothing is stored then.
    func createAccount(_ account: Account, passwordHash: String, signup: SignupHint, session: Session?) async throws

    /// The account with `id`, if it exists.
    func account(id: AccountID) async throws -> Account?

    /// The account with `email` and its password hash, for sign-in.
    func accountForSignIn(email: EmailAddress) async throws -> (account: Account, passwordHash: String)?

    /// Deletes the account and everything stored for it (sessions, devices and their credentials,
    /// pairing codes, failed sign-ins of its email). Returns `false` when there was no such account.
    func deleteAccount(id: AccountID) async throws -> Bool

    /// Everything stored for the account, for export.
    func exportAccount(id: AccountID) async throws -> AccountExportData?

    /// Starts a sign-in attempt for `email` from `address` at `date`, in one transaction: reads
    /// the failed sign-ins after `windowStart` that are for `email` or from `address`, and lets
    /// `decide` judge them (the rule is the caller's, e.g. ``TetherCore/SignInBudget``); when it
    /// allows, records the attempt as a failure in advance (cleared by
    /// ``clearFailedSignIns(email:address:)`` when the password matches), so parallel guesses
    /// cannot overrun a limit.
    ///
    /// Atomic: the read, the decision and the advance record are one transaction that no other
    /// attempt for the same email or address interleaves with. SQLite has one writer; a backend
    /// with many connections takes a lock on the email and one on the address (in that order,
    /// e.g. transaction-scoped advisory locks) before reading, so N concurrent attempts at a
    /// limit of L admit exactly L.
    func beginSignInAttempt(
        email: EmailAddress,
        address: String,
        at date: Date,
        after windowStart: Date,
        decide: @escaping @Sendable ([FailedSignIn]) -> SlidingWindowLimit.Decision
    ) async throws -> SlidingWindowLimit.Decision

    /// Forgets the failed sign-ins of `email` from `address` (after a successful one from there);
    /// those from other addresses still count.
    func clearFailedSignIns(email: EmailAddress, address: String) async throws
}

/// What ``AccountStore/exportAccount(id:)`` returns: every record of one account.
public struct AccountExportData: Sendable, Hashable {
    /// The account.
    public var account: Account
    /// What was given at registration.
    public var signup: SignupHint
    /// Its devices.
    public var devices: [Device]
    /// Its open sessions (token digests are not exported).
    public var sessions: [Session]
    /// Its pairing codes (code digests are not exported).
    public var pairingRequests: [PairingRequest]
    /// When sign-in with its email failed recently.
    public var failedSignIns: [Date]

    /// Creates an export value.
    public init(
        account: Account,
        signup: SignupHint,
        devices: [Device],
        sessions: [Session],
        pairingRequests: [PairingRequest],
        failedSignIns: [Date]
    ) {
        self.account = account
        self.signup = signup
        self.devices = devices
        self.sessions = sessions
        self.pairingRequests = pairingRequests
        self.failedSignIns = failedSignIns
    }
}

extension AccountStore {
    /// Inserts a new account without a session.
    public func createAccount(_ account: Account, passwordHash: String, signup: SignupHint) async throws {
        try await self.createAccount(account, passwordHash: passwordHash, signup: signup, session: nil)
    }
}
