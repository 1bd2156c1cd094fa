public import Foundation
public import TetherCore
public import TetherStore

/// ``DirectoryStore`` on PostgreSQL.
extension PostgresStore {
    public func reserveDirectoryEntry(
        emailHash: String,
        region: RegionID,
        expiresAt: Date,
        now: Date
    ) async throws
        -> DirectoryReservation
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func releaseDirectoryReservation(emailHash: String, region: RegionID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func directoryEntry(emailHash: String, now: Date) async throws -> DirectoryEntry? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func accountEmails(after: String?, limit: Int) async throws -> [EmailAddress] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func authorDirectoryRecords(
        emailHashes: [String],
        region: RegionID,
        state: DirectoryRecord.State,
        now: Date,
        floor: DirectoryVersion?
    ) async throws
        -> [DirectoryRecord]
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func applyDirectoryRecords(
        _ records: [DirectoryRecord],
        from origin: RegionID,
        tombstoneCutoff: Date
    ) async throws
        -> [DirectoryRecord]
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func directoryRecords(emailHashes: [String]) async throws -> [DirectoryRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func directoryRecords(
        prefixes: [String],
        tombstoneCutoff: Date,
        after: String?,
        limit: Int?
    ) async throws -> [DirectoryRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func directoryRecords(
        changedAfter seq: Int64,
        notFrom peer: RegionID,
        limit: Int
    ) async throws
        -> [SequencedDirectoryRecord]
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func directoryChangeSequence() async throws -> Int64 {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func purgeDirectoryTombstones(authoredBefore cutoff: Date) async throws -> Int {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func replicationCheckpoint(stream: String, peer: RegionID) async throws -> ReplicationCheckpoint? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func saveReplicationCheckpoint(_ checkpoint: ReplicationCheckpoint) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
