import Foundation
import Testing
import TetherCore
import TetherStore

/// `beginSignInAttempt`: the check of the failure window and the advance record, in one transaction.
struct SignInAttemptStoreTests {
    private let limit = SlidingWindowLimit(limit: 3, window: .seconds(60))

    @Test(arguments: StoreKind.allCases)
    func anAllowedAttemptIsRecordedAsAFailureInAdvance(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let ada = try EmailAddress("ada@example.org")
            for seconds in [0.0, 10, 20] {
                #expect(
                    try await store.beginSignInAttempt(email: ada, at: Times.at(seconds), limit: self.limit) == .allowed
                )
            }
            #expect(
                try await store.failedSignIns(email: ada, since: .distantPast) == [
                    Times.at(0), Times.at(10), Times.at(20),
                ]
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFullWindowIsRefusedAndRecordsNothing(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let ada = try EmailAddress("ada@example.org")
            for seconds in [0.0, 10, 20] {
                _ = try await store.beginSignInAttempt(email: ada, at: Times.at(seconds), limit: self.limit)
            }
            let refused = try await store.beginSignInAttempt(email: ada, at: Times.at(30), limit: self.limit)
            // The failure at 0 s leaves the 60 s window at 60 s.
            #expect(refused == .refused(retryAfterSeconds: 30))
            #expect(
                try await store.beginSignInAttempt(
                    email: EmailAddress("ADA@Example.org"),
                    at: Times.at(59),
                    limit: self.limit
                )
                    == .refused(retryAfterSeconds: 1)
            )
            #expect(try await store.failedSignIns(email: ada, since: .distantPast).count == 3)

            // Another email has its own window.
            let grace = try EmailAddress("grace@example.org")
            #expect(try await store.beginSignInAttempt(email: grace, at: Times.at(30), limit: self.limit) == .allowed)

            // At 60 s the failure at 0 s sits on the window's start and no longer counts.
            #expect(try await store.beginSignInAttempt(email: ada, at: Times.at(60), limit: self.limit) == .allowed)
            #expect(
                try await store.failedSignIns(email: ada, since: Times.at(1)) == [
                    Times.at(10), Times.at(20), Times.at(60),
                ]
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func failuresBeforeTheWindowDoNotCount(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let ada = try EmailAddress("ada@example.org")
            for seconds in [-600.0, -120, -60] {
                try await store.recordFailedSignIn(email: ada, at: Times.at(seconds))
            }
            try await store.recordFailedSignIn(email: ada, at: Times.at(-59))
            try await store.recordFailedSignIn(email: ada, at: Times.at(-1))
            #expect(try await store.beginSignInAttempt(email: ada, at: Times.start, limit: self.limit) == .allowed)
            // -59, -1 and the attempt at 0: full until -59 leaves at 1 s.
            #expect(
                try await store.beginSignInAttempt(email: ada, at: Times.start, limit: self.limit)
                    == .refused(retryAfterSeconds: 1)
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func clearingTheFailuresOpensTheWindowAgain(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let ada = try EmailAddress("ada@example.org")
            let grace = try EmailAddress("grace@example.org")
            for _ in 0..<3 {
                _ = try await store.beginSignInAttempt(email: ada, at: Times.start, limit: self.limit)
            }
            _ = try await store.beginSignInAttempt(email: grace, at: Times.start, limit: self.limit)
            #expect(try await store.beginSignInAttempt(email: ada, at: Times.start, limit: self.limit) != .allowed)

            try await store.clearFailedSignIns(email: ada)

            #expect(try await store.failedSignIns(email: ada, since: .distantPast).isEmpty)
            #expect(try await store.failedSignIns(email: grace, since: .distantPast) == [Times.start])
            #expect(try await store.beginSignInAttempt(email: ada, at: Times.start, limit: self.limit) == .allowed)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentAttemptsForOneEmailAllowExactlyTheLimit(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let limit = SlidingWindowLimit(limit: 5, window: .seconds(900))
            let decisions = try await withThrowingTaskGroup(of: SlidingWindowLimit.Decision.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        // Differently typed, one address; times within one second.
                        let email = try EmailAddress(index.isMultiple(of: 2) ? "ada@example.org" : " ADA@example.org")
                        return try await store.beginSignInAttempt(
                            email: email,
                            at: Times.at(Double(index % 4) / 4),
                            limit: limit
                        )
                    }
                }
                return try await group.reduce(into: [SlidingWindowLimit.Decision]()) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .allowed }.count == 5)
            #expect(decisions.count == 24)
            let failures = try await store.failedSignIns(email: EmailAddress("ada@example.org"), since: .distantPast)
            #expect(failures.count == 5)
        }
    }
}
