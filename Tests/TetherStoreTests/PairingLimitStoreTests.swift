import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// `createPairingRequest(_:limit:)`: unique code digests and the per-account rate limit, checked
/// in the insert's transaction.
struct PairingLimitStoreTests {
    private let limit = SlidingWindowLimit(limit: 2, window: .seconds(3_600))

    private func request(
        for account: Account,
        codeHash: String = "code-\(UUID().uuidString)",
        at date: Date = Times.start
    ) -> PairingRequest {
        PairingRequest(
            id: .random(),
            account: account.id,
            codeHash: codeHash,
            createdAt: date,
            expiresAt: date.addingTimeInterval(600)
        )
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aCodeDigestInUseIsReportedAndNothingIsStored(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let first = self.request(for: ada, codeHash: "code-1")
            #expect(try await store.createPairingRequest(first, limit: self.limit))
            let before = try await StoreSnapshot(store, accounts: [ada, grace])

            let again = self.request(for: ada, codeHash: "code-1", at: Times.at(1))
            let other = self.request(for: grace, codeHash: "code-1", at: Times.at(2))
            #expect(try await store.createPairingRequest(again, limit: self.limit) == false)
            #expect(try await store.createPairingRequest(other, limit: nil) == false)

            #expect(try await StoreSnapshot(store, accounts: [ada, grace]) == before)
            #expect(try await store.pairingRequest(id: again.id, account: ada.id) == nil)
            #expect(try await store.pairingRequest(id: other.id, account: grace.id) == nil)
            #expect(try await store.pairingRequest(id: first.id, account: ada.id) == first)
            // The refused draw did not use up the allowance.
            #expect(try await store.createPairingRequest(self.request(for: ada, at: Times.at(3)), limit: self.limit))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aFullWindowIsRateLimitedAndStoresNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            #expect(try await store.createPairingRequest(self.request(for: ada, at: Times.at(0)), limit: self.limit))
            #expect(try await store.createPairingRequest(self.request(for: ada, at: Times.at(600)), limit: self.limit))
            let before = try await StoreSnapshot(store, accounts: [ada, grace])

            let refused = self.request(for: ada, at: Times.at(900))
            let error = await #expect(throws: TetherError.self) {
                try await store.createPairingRequest(refused, limit: self.limit)
            }
            #expect(error?.code == "rate_limited")
            #expect(error?.kind == .rateLimited)
            // The first code leaves the hour at 3,600 s.
            #expect(error?.retryAfterSeconds == 2_700)
            #expect(error == .pairingRateLimited(limitPerHour: 2, retryAfterSeconds: 2_700))
            #expect(try await StoreSnapshot(store, accounts: [ada, grace]) == before)
            #expect(try await store.pairingRequest(id: refused.id, account: ada.id) == nil)

            // Without a limit, and for another account, codes are still stored.
            #expect(
                try await store.createPairingRequest(self.request(for: grace, at: Times.at(900)), limit: self.limit)
            )
            #expect(try await store.createPairingRequest(self.request(for: ada, at: Times.at(900)), limit: nil))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func claimedAndExpiredCodesStillCountUntilTheyLeaveTheWindow(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            try await fixtures.device(for: ada, at: Times.at(0))
            #expect(try await store.createPairingRequest(self.request(for: ada, at: Times.at(10)), limit: self.limit))
            await #expect(throws: TetherError.pairingRateLimited(limitPerHour: 2, retryAfterSeconds: 1)) {
                try await store.createPairingRequest(self.request(for: ada, at: Times.at(3_599)), limit: self.limit)
            }
            #expect(
                try await store.createPairingRequest(self.request(for: ada, at: Times.at(3_600)), limit: self.limit)
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func concurrentRequestsNeverExceedTheLimit(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await Fixtures(store: store).account()
            let limit = SlidingWindowLimit(limit: 5, window: .seconds(3_600))
            let requests = (0..<16).map { self.request(for: ada, at: Times.at(Double($0 % 3))) }
            let outcomes = await withTaskGroup(of: String.self) { group in
                for request in requests {
                    group.addTask {
                        do {
                            return try await store.createPairingRequest(request, limit: limit) ? "stored" : "taken"
                        } catch let error as TetherError {
                            return error.code
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "stored" }.count == 5)
            #expect(outcomes.filter { $0 == "rate_limited" }.count == 11)
            #expect(try await fixtures.pairingRequestTimes(ada).count == 5)
        }
    }
}
