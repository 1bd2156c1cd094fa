public import Foundation
public import TetherCore

/// The account directory as one region server holds it: keyed email hash → home region, and
/// nothing else about the person (the email itself stays in its home region's account table).
///
/// Two tables: local **reservations**, made while a home region registers an email so one email
/// cannot register in two regions at once, and replicated **records** (confirmed or deleted, at
/// a version only the home region authors), which anti-entropy keeps equal between regions.
///
/// Concurrent writers: the writes that read before they write (reserving, authoring, applying)
/// hold the **directory lock** for their transaction, so they take turns; the change sequence
/// comes from one counter, raised atomically while that lock is held, so its numbers follow
/// commit order and are never reused (a peer that pushed up to a number never misses a later
/// change). SQLite has one writer; a backend with many connections locks a counter row.
public protocol DirectoryStore: Sendable {
    /// Records that `region` is registering `emailHash`, unless a region holds it already.
    ///
    /// A lapsed reservation (its `expiresAt` passed before `now`) no longer holds the hash, nor
    /// does a tombstone. Returns the entry that holds the hash afterwards (`region`'s new or
    /// renewed reservation, or the confirmed record or reservation that was there, left as it
    /// is) and the highest version this replica knows for the hash.
    ///
    /// Atomic: holds the directory lock, so two regions reserving one hash at once cannot both
    /// be told they hold it.
    func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws
        -> DirectoryReservation

    /// Drops `region`'s reservation of `emailHash` (a registration that failed). Records stay.
    func releaseDirectoryReservation(emailHash: String, region: RegionID) async throws

    /// The entry for `emailHash`: its confirmed record, else a reservation still live at `now`.
    func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry?

    /// Up to `limit` emails of this region's accounts, in order, after `after` (from the start
    /// when `nil`): the pages in which the start-up backfill lists accounts made before the
    /// directory.
    func accountEmails(after: String?, limit: Int) async throws -> [EmailAddress]

    /// Authors a new version for every hash whose record is not already `state` in `region`, in
    /// one transaction, and drops `region`'s reservations of them. Only the home region calls
    /// this.
    ///
    /// Each version is above `now`'s wall clock, above every version this replica holds and
    /// above `floor` (the highest version peers reported while reserving). Atomic: holds the
    /// directory lock from reading the highest version to writing above it.
    ///
    /// `sign` gives each new record its signature (the home region's key); with it, a record
    /// already so but unsigned is authored again, signed.
    /// - Returns: the records written (hashes already so are left out).
    @discardableResult
    func authorDirectoryRecords(
        emailHashes: [String],
        region: RegionID,
        state: DirectoryRecord.State,
        now: Date,
        floor: DirectoryVersion?,
        sign: (@Sendable (DirectoryRecord) -> Data)?
    ) async throws
        -> [DirectoryRecord]

    /// Applies records received from `origin`, in one transaction: each replaces the local
    /// record only when it supersedes it. A tombstone authored before `tombstoneCutoff` is
    /// ignored (past its retention). Idempotent. Atomic: holds the directory lock.
    /// - Returns: the records that changed this replica.
    @discardableResult
    func applyDirectoryRecords(
        _ records: [DirectoryRecord],
        from origin: RegionID,
        tombstoneCutoff: Date
    ) async throws
        -> [DirectoryRecord]

    /// The records for `emailHashes` that this replica holds.
    func directoryRecords(emailHashes: [String]) async throws -> [DirectoryRecord]

    /// The records whose hash starts with one of `prefixes` (lower-case hex; `""` is all) and is
    /// greater than `after`, in hash order, at most `limit`, leaving out tombstones authored
    /// before `tombstoneCutoff`.
    func directoryRecords(
        prefixes: [String],
        tombstoneCutoff: Date,
        after: String?,
        limit: Int?
    ) async throws -> [DirectoryRecord]

    /// Up to `limit` records changed after `seq` in this replica, in change order, leaving out
    /// those received from `peer` (it has them).
    func directoryRecords(
        changedAfter seq: Int64,
        notFrom peer: RegionID,
        limit: Int
    ) async throws
        -> [SequencedDirectoryRecord]

    /// The last change sequence number of this replica (`0` before its first change). It only
    /// grows: purging tombstones raises it too, never lowers it.
    func directoryChangeSequence() async throws -> Int64

    /// Deletes tombstones authored before `cutoff`.
    /// - Returns: how many were deleted.
    @discardableResult
    func purgeDirectoryTombstones(authoredBefore cutoff: Date) async throws -> Int

    /// Where replication of `stream` with `peer` last stopped, if it ever completed.
    func replicationCheckpoint(stream: String, peer: RegionID) async throws -> ReplicationCheckpoint?

    /// Saves where replication of a stream with a peer stopped.
    func saveReplicationCheckpoint(_ checkpoint: ReplicationCheckpoint) async throws
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

/// What a reservation found: the entry that holds the hash, and the newest version known for it.
public struct DirectoryReservation: Sendable, Hashable {
    /// The entry holding the hash after the call.
    public var holder: DirectoryEntry
    /// The highest version of the hash's record here (a tombstone's included), if any.
    public var latestVersion: DirectoryVersion?

    /// Creates a reservation outcome.
    public init(holder: DirectoryEntry, latestVersion: DirectoryVersion?) {
        self.holder = holder
        self.latestVersion = latestVersion
    }
}

/// Where replication of one stream with one peer stopped: restarts resume from here.
public struct ReplicationCheckpoint: Sendable, Hashable {
    /// The replicated stream (`directory`).
    public var stream: String
    /// The peer region.
    public var peer: RegionID
    /// Every local change up to this sequence number is known to be at the peer.
    public var pushedSeq: Int64
    /// The summary root both replicas agreed on at the end of the round (hex).
    public var rootHash: String
    /// When the round completed.
    public var completedAt: Date

    /// Creates a checkpoint.
    public init(stream: String, peer: RegionID, pushedSeq: Int64, rootHash: String, completedAt: Date) {
        self.stream = stream
        self.peer = peer
        self.pushedSeq = pushedSeq
        self.rootHash = rootHash
        self.completedAt = completedAt
    }
}

extension DirectoryStore {
    /// Every record whose hash starts with one of `prefixes`, leaving out tombstones authored
    /// before `tombstoneCutoff`.
    public func directoryRecords(prefixes: [String], tombstoneCutoff: Date) async throws -> [DirectoryRecord] {
        try await self.directoryRecords(prefixes: prefixes, tombstoneCutoff: tombstoneCutoff, after: nil, limit: nil)
    }
}
