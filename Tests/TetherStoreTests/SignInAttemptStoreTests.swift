import Foundation
import Synchronization
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// `beginSignInAttempt`: the failures the rule judges, and the advance record, in one transaction.
struct SignInAttemptStoreTests {
    private let here = "198.51.100.1"
    private let there = "203.0.113.9"

    /// At most three failures for the email in the window, wherever they came from.
    private let limit = SlidingWindowLimit(limit: 3, window: .seconds(60))

    private func begin(
        _ store: any TetherStorage,
        _ email: EmailAddress,
        from address: String,
        at seconds: TimeInterval
    ) async throws -> SlidingWindowLimit.Decision {
        let (limit, now) = (self.limit, Times.at(seconds))
        return try await store.beginSignInAttempt(
            email: email,
            address: address,
            at: now,
            after: limit.windowStart(endingAt: now)
        ) { failures in
            limit.decide(recent: failures.filter { $0.email == email }.map(\.at), now: now)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anAllowedAttemptIsRecordedAsAFailureInAdvance(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try EmailAddress("ada@example.org")
            for seconds in [0.0, 10, 20] {
                #expect(try await self.begin(store, ada, from: self.here, at: seconds) == .allowed)
            }
            #expect(
                try await fixtures.failedSignIns(ada) == [
                    Times.at(0), Times.at(10), Times.at(20),
                ]
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aRefusedAttemptRecordsNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try EmailAddress("ada@example.org")
            for seconds in [0.0, 10, 20] {
                _ = try await self.begin(store, ada, from: self.here, at: seconds)
            }
            // The failure at 0 s leaves the 60 s window at 60 s.
            #expect(try await self.begin(store, ada, from: self.there, at: 30) == .refused(retryAfterSeconds: 30))
            #expect(
                try await self.begin(store, EmailAddress("ADA@Example.org"), from: self.here, at: 59)
                    == .refused(retryAfterSeconds: 1)
            )
            #expect(try await fixtures.failedSignIns(ada).count == 3)
            #expect(try await self.begin(store, ada, from: self.here, at: 60) == .allowed)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func theRuleSeesTheEmailsFailuresAndTheAddresssFailuresInTheWindow(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try EmailAddress("ada@example.org")
            let grace = try EmailAddress("grace@example.org")
            let alan = try EmailAddress("alan@example.org")
            try await fixtures.failedSignIn(ada, from: self.there, at: Times.at(-120))
            try await fixtures.failedSignIn(ada, from: self.there, at: Times.at(-30))
            try await fixtures.failedSignIn(grace, from: self.here, at: Times.at(-20))
            try await fixtures.failedSignIn(grace, from: self.there, at: Times.at(-10))
            try await fixtures.failedSignIn(alan, from: self.here, at: Times.at(-60))

            let seen = Seen()
            let decision = try await store.beginSignInAttempt(
                email: ada,
                address: self.here,
                at: Times.start,
                after: Times.at(-60)
            ) { failures in
                seen.failures.withLock { $0 = failures }
                return .allowed
            }
            #expect(decision == .allowed)
            // Ada's from anywhere and anything from here, after the window's start; not Grace's from there.
            #expect(
                Set(seen.failures.withLock { $0 }) == [
                    FailedSignIn(email: ada, address: self.there, at: Times.at(-30)),
                    FailedSignIn(email: grace, address: self.here, at: Times.at(-20)),
                ]
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func clearingTheFailuresFromOneAddressLeavesTheOthers(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try EmailAddress("ada@example.org")
            for _ in 0..<2 {
                _ = try await self.begin(store, ada, from: self.here, at: 0)
            }
            _ = try await self.begin(store, ada, from: self.there, at: 0)
            #expect(try await self.begin(store, ada, from: self.here, at: 0) != .allowed)

            try await store.clearFailedSignIns(email: ada, address: self.here)

            #expect(try await fixtures.failedSignIns(ada) == [Times.start])
            #expect(try await self.begin(store, ada, from: self.here, at: 0) == .allowed)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func concurrentAttemptsForOneEmailAllowExactlyTheLimit(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let limit = SlidingWindowLimit(limit: 5, window: .seconds(900))
            let decisions = try await withThrowingTaskGroup(of: SlidingWindowLimit.Decision.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        // Differently typed, two addresses; times within one second.
                        let email = try EmailAddress(index.isMultiple(of: 2) ? "ada@example.org" : " ADA@example.org")
                        let now = Times.at(Double(index % 4) / 4)
                        return try await store.beginSignInAttempt(
                            email: email,
                            address: index.isMultiple(of: 3) ? self.here : self.there,
                            at: now,
                            after: limit.windowStart(endingAt: now)
                        ) { failures in
                            limit.decide(recent: failures.filter { $0.email == email }.map(\.at), now: now)
                        }
                    }
                }
                return try await group.reduce(into: [SlidingWindowLimit.Decision]()) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .allowed }.count == 5)
            #expect(decisions.count == 24)
            let failures = try await fixtures.failedSignIns(EmailAddress("ada@example.org"))
            #expect(failures.count == 5)
        }
    }
}

/// What a rule closure saw, read back by the test after the call.
private final class Seen: Sendable {
    let failures = Mutex<[FailedSignIn]>([])
}
