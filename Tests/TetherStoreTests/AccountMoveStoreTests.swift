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

            let rows = try #require(try await old.movingAccountRows(account: ada.id))
            try await new.importMovedAccount(rows, home: try #require(RegionID(rawValue: "us")), at: Times.start)

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
            let rows = try #require(try await old.movingAccountRows(account: ada.id))
            let us = try #require(RegionID(rawValue: "us"))
            try await new.importMovedAccount(rows, home: us, at: Times.start)
            let error = try await #require(throws: TetherError.self) {
                try await new.importMovedAccount(rows, home: us, at: Times.start)
            }
            #expect(error.code == "move_conflict")
            for word in ["constraint", "UNIQUE", "SQLITE", "sqlite", "failed"] {
                #expect(!error.detail.contains(word), "\(error.detail)")
            }
        }
    }
}
