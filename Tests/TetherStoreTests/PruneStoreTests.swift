import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// `pruneExpired(now:pairingCodesBefore:failedSignInsBefore:)`: what retention deletes and keeps.
struct PruneStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func pruningDeletesExpiredRecordsCountsThemAndKeepsTheRest(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let now = Times.at(10_000)

            // Sessions: refresh expired before now, exactly at now (it no longer rotates), later.
            let stale = try await fixtures.session(for: ada, tag: "stale", refreshLifetime: 5_000)
            let endingNow = try await fixtures.session(for: grace, tag: "ending", refreshLifetime: 10_000)
            let live = try await fixtures.session(for: ada, tag: "live", refreshLifetime: 10_001)
            // Pairing codes (600 s lifetime): expired before the cutoff, expired after it, pending.
            let old = try await fixtures.pairingRequest(for: ada, at: Times.at(0))
            let recent = try await fixtures.pairingRequest(for: grace, at: Times.at(8_500))
            let pending = try await fixtures.pairingRequest(for: ada, at: Times.at(9_900))
            // A device whose claimed code expired before the cutoff.
            let device = try await fixtures.device(for: grace, credentialHash: "grace-credential", at: Times.at(100))
            // Failed sign-ins before the cutoff, at it (the window start, where they stop counting), after it.
            for (email, seconds) in [(ada.email, 100.0), (grace.email, 9_099), (ada.email, 9_100), (ada.email, 9_500)] {
                try await fixtures.failedSignIn(email, from: "198.51.100.1", at: Times.at(seconds))
            }

            let pruned = try await store.pruneExpired(
                now: now,
                pairingCodesBefore: Times.at(9_000),
                failedSignInsBefore: Times.at(9_100)
            )

            // Two sessions, two pairing codes (the old one and the device's), three failed sign-ins.
            #expect(pruned == 7)
            #expect(try await store.session(accessTokenHash: stale.accessTokenHash) == nil)
            #expect(try await store.session(accessTokenHash: endingNow.accessTokenHash) == nil)
            #expect(try await store.session(accessTokenHash: live.accessTokenHash) == live)
            #expect(try await store.pairingRequest(id: old.id, account: ada.id) == nil)
            #expect(try await store.pairingRequest(id: recent.id, account: grace.id) == recent)
            #expect(try await store.pairingRequest(id: pending.id, account: ada.id) == pending)
            #expect(try await fixtures.failedSignIns(ada.email) == [Times.at(9_500)])
            #expect(try await fixtures.failedSignIns(grace.email).isEmpty)

            // Accounts and devices are not retention's business.
            #expect(try await store.account(id: ada.id) == ada)
            #expect(try await store.account(id: grace.id) == grace)
            #expect(try await store.device(credentialHash: "grace-credential") == device)
            let export = try #require(try await store.exportAccount(id: ada.id))
            #expect(export.sessions == [live])
            #expect(export.pairingRequests == [pending])

            // Nothing is left to prune.
            let again = try await store.pruneExpired(
                now: now,
                pairingCodesBefore: Times.at(9_000),
                failedSignInsBefore: Times.at(9_100)
            )
            #expect(again == 0)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func pruningAnEmptyStoreDeletesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            #expect(
                try await store.pruneExpired(
                    now: Times.start,
                    pairingCodesBefore: Times.start,
                    failedSignInsBefore: Times.start
                ) == 0
            )
            let ada = try await Fixtures(store: store).account()
            try await Fixtures(store: store).session(for: ada)
            #expect(
                try await store.pruneExpired(
                    now: Times.start,
                    pairingCodesBefore: Times.start,
                    failedSignInsBefore: Times.start
                ) == 0
            )
            #expect(try await store.statistics(now: Times.start).activeSessions == 1)
        }
    }
}
