import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

struct OperatorStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func operatorTokensAreRecognisedByDigest(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            #expect(try await store.isOperatorToken(hash: "op-1") == false)
            try await store.addOperatorToken(hash: "op-1", createdAt: Times.start)
            #expect(try await store.isOperatorToken(hash: "op-1"))
            #expect(try await store.isOperatorToken(hash: "op-2") == false)
            #expect(try await store.isOperatorToken(hash: "") == false)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func statisticsCountAccountsDevicesAndUnexpiredSessions(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            #expect(
                try await store.statistics(now: Times.start)
                    == ServiceStatistics(accounts: 0, devices: 0, activeSessions: 0)
            )
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            try await fixtures.device(for: ada)
            try await fixtures.device(for: ada)
            try await fixtures.device(for: grace)
            try await fixtures.session(for: ada, at: Times.at(0))
            try await fixtures.session(for: grace, at: Times.at(86_400))

            #expect(
                try await store.statistics(now: Times.at(1))
                    == ServiceStatistics(accounts: 2, devices: 3, activeSessions: 2)
            )
            // Refresh tokens last 30 days from their session's start.
            let later = Times.at(30 * 86_400)
            #expect(
                try await store.statistics(now: later) == ServiceStatistics(accounts: 2, devices: 3, activeSessions: 1)
            )
        }
    }
}
