import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherTesting

extension TestServer {
    /// Expects nothing of `accountID`'s backups left: no wrapped data key (crypto-shredding), no
    /// chunk, pack or snapshot rows, no blob directory.
    func expectBackupsShredded(accountID: String) async throws {
        let store = try SQLiteStore.open(directory: self.dataDirectory)
        defer { try? store.close() }
        let account = AccountID(rawValue: accountID)
        #expect(try await store.wrappedDataKey(account: account) == nil)
        #expect(try await store.backupChunks(account: account).isEmpty)
        #expect(try await store.backupPacks(account: account).isEmpty)
        #expect(try await store.backupSnapshots(account: account).isEmpty)
        let directory = self.dataDirectory.appendingPathComponent("blobs").appendingPathComponent(accountID)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }
}
