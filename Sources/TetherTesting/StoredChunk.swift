public import Foundation
public import TetherCore
import TetherStore
import TetherStoreSQLite

/// Where a backup chunk's sealed box lies in a data directory: its pack file and the bytes of the
/// box in it, found through the chunk index (tests flip bytes there).
///
/// ```swift
/// let stored = try #require(try await StoredChunk.locate(in: server.dataDirectory, account: account, id: id))
/// var bytes = try Data(contentsOf: stored.file)
/// bytes[stored.range.lowerBound + 40] ^= 1
/// ```
public struct StoredChunk: Sendable, Hashable {
    /// The pack file.
    public var file: URL
    /// The box's bytes in it.
    public var range: Range<Int>
    /// The pack's key.
    public var pack: String

    /// The chunk `id` of `account` in the server data directory `dataDirectory`; `nil` when the
    /// account holds no such chunk.
    public static func locate(in dataDirectory: URL, account: AccountID, id: String) async throws -> StoredChunk? {
        let store = try SQLiteStore.open(directory: dataDirectory)
        defer { try? store.close() }
        guard let record = try await store.backupChunk(account: account, id: id) else { return nil }
        let file = try FileBlobStore.open(dataDirectory: dataDirectory).file(account: account, key: record.pack)
        return StoredChunk(file: file, range: record.offset..<record.offset + record.storedSize, pack: record.pack)
    }

    /// The box's bytes as stored now.
    public func box() throws -> Data {
        let data = try Data(contentsOf: self.file)
        return data.subdata(in: self.range)
    }

    /// Flips one bit of the byte `offset` bytes into the box, in place.
    public func flip(at offset: Int, bit: UInt8 = 0x01) throws {
        var data = try Data(contentsOf: self.file)
        data[self.range.lowerBound + offset] ^= bit
        try data.write(to: self.file)
    }
}
