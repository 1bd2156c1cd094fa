import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

struct SessionStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func sessionsAreFoundByAccessTokenDigest(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let session = try await fixtures.session(for: ada, tag: "one")
            #expect(try await store.session(accessTokenHash: "access-one") == session)
            #expect(try await store.session(accessTokenHash: "refresh-one") == nil)
            #expect(try await store.session(accessTokenHash: "access-two") == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func rotationWorksOnceForEachRefreshToken(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let original = try await fixtures.session(for: ada, tag: "one")
            let now = Times.at(120)

            let accessExpiry = now.addingTimeInterval(3_600)
            let result = try await store.rotateSession(refreshTokenHash: "refresh-one", now: now) { session in
                session.accessTokenHash = "access-two"
                session.refreshTokenHash = "refresh-two"
                session.accessExpiresAt = accessExpiry
            }
            let rotated = try #require(result)
            #expect(rotated.accessExpiresAt == accessExpiry)
            #expect(rotated.id == original.id)
            #expect(rotated.account == ada.id)
            #expect(rotated.accessTokenHash == "access-two")
            #expect(rotated.refreshTokenHash == "refresh-two")
            #expect(try await store.session(accessTokenHash: "access-two") == rotated)
            #expect(try await store.session(accessTokenHash: "access-one") == nil)

            let replay = try await store.rotateSession(refreshTokenHash: "refresh-one", now: now) {
                $0.accessTokenHash = "access-three"
            }
            #expect(replay == nil)
            #expect(try await store.session(accessTokenHash: "access-three") == nil)

            let next = try await store.rotateSession(refreshTokenHash: "refresh-two", now: now) {
                $0.refreshTokenHash = "refresh-three"
            }
            #expect(next?.id == original.id)
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentRotationsOfOneRefreshTokenLetExactlyOneWin(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let original = try await fixtures.session(for: try await fixtures.account(), tag: "one")
            try await fixtures.openEveryConnection()
            let rotated = try await withThrowingTaskGroup(of: Session?.self) { group in
                for index in 0..<16 {
                    group.addTask {
                        try await store.rotateSession(refreshTokenHash: "refresh-one", now: Times.start) { session in
                            session.accessTokenHash = "access-\(index)"
                            session.refreshTokenHash = "refresh-\(index)"
                        }
                    }
                }
                return try await group.reduce(into: [Session]()) { if let session = $1 { $0.append(session) } }
            }
            #expect(rotated.count == 1)
            let winner = try #require(rotated.first)
            #expect(winner.id == original.id)
            #expect(try await store.session(id: original.id) == winner)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func rotationCannotMoveTheSessionToAnotherAccount(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let original = try await fixtures.session(for: ada, tag: "one")
            let rotated = try await store.rotateSession(refreshTokenHash: "refresh-one", now: Times.start) { session in
                session.id = .random()
                session.account = grace.id
                session.refreshTokenHash = "refresh-two"
            }
            #expect(rotated?.id == original.id)
            #expect(rotated?.account == ada.id)
            #expect(try await store.exportAccount(id: grace.id)?.sessions.isEmpty == true)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func expiredRefreshTokensDoNotRotate(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let session = try await fixtures.session(for: try await fixtures.account(), tag: "one")
            let rotated = try await store.rotateSession(refreshTokenHash: "refresh-one", now: session.refreshExpiresAt)
            {
                $0.accessTokenHash = "access-two"
            }
            #expect(rotated == nil)
            #expect(try await store.session(accessTokenHash: "access-one") == session)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func deletingASessionRevokesBothTokens(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let signedOut = try await fixtures.session(for: ada, tag: "one")
            let other = try await fixtures.session(for: ada, tag: "two")

            try await store.deleteSession(id: signedOut.id)

            #expect(try await store.session(accessTokenHash: "access-one") == nil)
            let rotated = try await store.rotateSession(refreshTokenHash: "refresh-one", now: Times.start) { _ in }
            #expect(rotated == nil)
            #expect(try await store.session(accessTokenHash: "access-two") == other)
        }
    }
}
