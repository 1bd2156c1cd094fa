public import Foundation
public import TetherCore
public import TetherStore

/// ``BackupStore`` on PostgreSQL.
extension PostgresStore {
    public func wrappedDataKey(account: AccountID) async throws -> WrappedDataKey? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func insertWrappedDataKey(_ key: WrappedDataKey) async throws -> WrappedDataKey {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func wrappedDataKeys() async throws -> [WrappedDataKey] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func replaceWrappedDataKeys(_ keys: [WrappedDataKey]) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func missingBackupChunks(account: AccountID, ids: [String], now: Date) async throws -> [String] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupChunk(account: AccountID, id: String) async throws -> BackupChunkRecord? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupChunks(account: AccountID, ids: [String]) async throws -> [String: BackupChunkRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func recordBackupPack(
        _ pack: BackupPackRecord,
        chunks: [BackupChunkRecord],
        account: AccountID
    ) async throws
        -> Set<String>
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupPacks(account: AccountID) async throws -> [BackupPackRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func moveBackupChunks(
        _ chunks: [BackupChunkRecord],
        into pack: BackupPackRecord,
        account: AccountID
    ) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteEmptyBackupPacks(_ packs: [String], account: AccountID) async throws -> [String] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupChunks(account: AccountID) async throws -> [BackupChunkRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func commitBackupSnapshot(
        _ snapshot: BackupSnapshotRecord,
        manifest: Data,
        chunks: [String]
    ) async throws
        -> [String]
    {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupSnapshots(account: AccountID) async throws -> [BackupSnapshotRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func backupSnapshot(account: AccountID, id: String) async throws -> (BackupSnapshotRecord, Data)? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteBackupSnapshot(account: AccountID, id: String) async throws -> BackupSnapshotRecord? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteUnreferencedBackupChunks(
        account: AccountID,
        touchedBefore: Date
    ) async throws -> [BackupChunkRecord] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteBackups(account: AccountID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
