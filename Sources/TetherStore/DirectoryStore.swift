public import Foundation
public import TetherCore

/// The account directory as one region server holds it: keyed email hash → home region, and
/// nothing else about the person (the email itself stays in its home region's account table).
///
/// An entry starts as a reservation while its home region registers the account, so one email
/// cannot register in two regions at once, and becomes confirmed once the account exists.
public protocol DirectoryStore: Sendable {
    /// Records that `region` is registering `emailHash`, unless a region holds it already.
    ///
    /// A lapsed reservation (its `expiresAt` passed before `now`) no longer holds the hash.
    /// Returns the entry that holds the hash afterwards: `region`'s new or renewed reservation,
    /// or the entry that was there (another region's, or `region`'s confirmed one, left as it is).
    func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws
        -> DirectoryEntry

    /// Drops the entry for `emailHash` when `region` holds it (a registration that failed, or an
    /// account deleted).
    func releaseDirectoryEntry(emailHash: String, region: RegionID) async throws

    /// The entry for `emailHash`, if one is confirmed or still reserved at `now`.
    func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry?

    /// Up to `limit` emails of this region's accounts, in order, after `after` (from the start
    /// when `nil`): the pages in which ``confirmDirectoryEntries(emailHashes:region:)`` brings
    /// accounts made before the directory into it.
    func accountEmails(after: String?, limit: Int) async throws -> [EmailAddress]

    /// Makes `region`'s entry for every hash permanent (creating those missing), in one transaction.
    func confirmDirectoryEntries(emailHashes: [String], region: RegionID) async throws
}

/// Where an account lives, as the directory says.
public struct DirectoryEntry: Sendable, Hashable {
    /// The keyed email hash.
    public var emailHash: String
    /// The home region.
    public var region: RegionID
    /// Whether the account exists (`false` while it is being registered).
    public var confirmed: Bool

    /// Creates an entry.
    public init(emailHash: String, region: RegionID, confirmed: Bool) {
        self.emailHash = emailHash
        self.region = region
        self.confirmed = confirmed
    }
}
