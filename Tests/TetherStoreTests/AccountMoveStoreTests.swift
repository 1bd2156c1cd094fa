import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// What an account move takes from the old home's store into the new one's.
@Suite("Account move store")
struct AccountMoveStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func aQueuedWebhookDeliveryMovesWithTheAccountAndItsAlert(backend: StoreBackendUnderTest) async throws {
        try await withTwoStores(backend) { old, new in
            let fixtures = Fixtures(store: old)
            let ada = try await fixtures.account()
            let tracker = try await fixtures.device(for: ada)
            let hook = try #require(URL(string: "https://example.org/hook"))
            _ = try await old.setWebhook(
                WebhookEndpoint(url: hook, secret: "s3cret", createdAt: Times.start),
                account: ada.id
            )
            let alert = try #require(try await fixtures.raise(AlertStoreTests.alert(tracker)))
            // Not yet delivered (the receiver was down) when the account moves.
            let later = Times.at(3_600)
            #expect(
                try await old.dueWebhookDeliveries(now: later, limit: 10, perAccount: 10).map(\.alert.id) == [alert.id]
            )

            let records = try #require(try await old.movingAccountRecords(account: ada.id))
            try await new.importMovedAccount(records, home: try #require(RegionID(rawValue: "us")), at: Times.start)

            let due = try await new.dueWebhookDeliveries(now: later, limit: 10, perAccount: 10)
            #expect(due.map(\.alert.id) == [alert.id])
            #expect(due.first?.endpoint.url == hook)
            #expect(try await new.alerts(account: ada.id, device: nil, limit: 10).map(\.id) == [alert.id])
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aCollidingMoveSaysSoWithoutSQLitesWords(backend: StoreBackendUnderTest) async throws {
        // Finding 7: the conflict's detail carried SQLite's message to the client.
        try await withTwoStores(backend) { old, new in
            let ada = try await Fixtures(store: old).account()
            let records = try #require(try await old.movingAccountRecords(account: ada.id))
            let us = try #require(RegionID(rawValue: "us"))
            try await new.importMovedAccount(records, home: us, at: Times.start)
            let error = try await #require(throws: TetherError.self) {
                try await new.importMovedAccount(records, home: us, at: Times.start)
            }
            #expect(error.code == "move_conflict")
            for word in ["constraint", "UNIQUE", "SQLITE", "sqlite", "failed"] {
                #expect(!error.detail.contains(word), "\(error.detail)")
            }
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anAccountWithABackupIsDeletedAndRemovedWhenItMovesAway(backend: StoreBackendUnderTest) async throws {
        // PostgreSQL refused both: the account's delete reached a snapshot's chunk list by two
        // cascades and checked the chunk reference first.
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let deleted = try await fixtures.account("deleted@example.org")
            let moved = try await fixtures.account("moved@example.org")
            for account in [deleted, moved] {
                try await Self.backUp(account.id, in: store)
            }
            #expect(try await store.deleteAccount(id: deleted.id))
            #expect(try await store.account(id: deleted.id) == nil)
            #expect(
                try await store.removeMovedAccount(
                    moved.id,
                    to: try #require(RegionID(rawValue: "us")),
                    at: Times.start
                )
            )
            #expect(try await store.account(id: moved.id) == nil)
            #expect(try await store.backupChunks(account: moved.id).isEmpty)
        }
    }

    /// Stores a backup of one chunk for `account`: a pack, the chunk, a snapshot referencing it.
    static func backUp(_ account: AccountID, in store: any TetherStorage) async throws {
        _ = try await store.recordBackupPack(
            BackupPackRecord(id: "pack-1", size: 38, createdAt: Times.start),
            chunks: [SyncRaceStoreTests.chunk(1, offset: 0, in: "pack-1")],
            account: account
        )
        let missing = try await store.commitBackupSnapshot(
            BackupSnapshotRecord(
                id: "snapshot-\(account)",
                account: account,
                createdAt: Times.start,
                files: 1,
                bytes: 10
            ),
            manifest: Data([1, 2, 3]),
            chunks: [SyncRaceStoreTests.chunkID(1)]
        )
        #expect(missing.isEmpty)
    }
}
