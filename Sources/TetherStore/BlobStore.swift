public import Foundation
public import TetherCore

/// Where backup chunks' sealed bytes live, by account and key: pack files, each holding the
/// sealed boxes of several chunks back to back (``BackupStore`` records which pack, offset and
/// length hold a chunk). A ``put(_:account:key:)`` returns only once the blob is durable; an
/// account's blobs can be deleted as a whole.
public protocol BlobStore: Sendable {
    /// Stores `data` under `key` (replacing what was there); durable when it returns.
    func put(_ data: Data, account: AccountID, key: String) async throws

    /// The blob under `key`; `nil` when there is none.
    func get(account: AccountID, key: String) async throws -> Data?

    /// `length` bytes of the blob under `key` from `offset`; `nil` when there is no such blob or
    /// it is shorter.
    func get(account: AccountID, key: String, offset: Int, length: Int) async throws -> Data?

    /// The keys of every blob of the account, with their sizes in bytes.
    func keys(account: AccountID) async throws -> [String: Int]

    /// Removes the blobs under `keys` (missing ones are skipped).
    func delete(account: AccountID, keys: [String]) async throws

    /// Removes every blob of the account.
    func deleteAll(account: AccountID) async throws
}
