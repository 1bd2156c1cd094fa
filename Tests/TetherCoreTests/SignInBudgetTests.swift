import Foundation
import Testing
import TetherCore

struct SignInBudgetTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)
    private let budget = SignInBudget(perEmailAndAddress: 3, perAddress: 5, perEmail: 6, window: .seconds(900))
    private let ada = try! EmailAddress("ada@example.org")

    private func failure(_ email: String, _ address: String, secondsAgo: TimeInterval) -> FailedSignIn {
        FailedSignIn(email: try! EmailAddress(email), address: address, at: self.now.addingTimeInterval(-secondsAgo))
    }

    private func decide(_ failures: [FailedSignIn], address: String) -> SlidingWindowLimit.Decision {
        self.budget.decide(failures: failures, email: self.ada, address: address, now: self.now)
    }

    @Test
    func failuresForOneEmailFromOneAddressStopThatPairOnly() {
        let failures = (0..<3).map { self.failure("ada@example.org", "a", secondsAgo: Double(100 - $0)) }
        #expect(self.decide(failures, address: "a") == .refused(retryAfterSeconds: 800))
        #expect(self.decide(failures, address: "b") == .allowed)
        #expect(
            self.budget.decide(
                failures: failures,
                email: try! EmailAddress("grace@example.org"),
                address: "a",
                now: self.now
            )
                == .allowed
        )
    }

    @Test
    func failuresForManyEmailsFromOneAddressStopTheAddress() {
        let failures = (0..<5).map { self.failure("user\($0)@example.org", "a", secondsAgo: Double(50 - $0)) }
        #expect(self.decide(failures, address: "a") == .refused(retryAfterSeconds: 850))
        #expect(self.decide(failures, address: "b") == .allowed)
    }

    @Test
    func anEmailUnderASpreadAttackGivesEveryAddressOneAttemptPerWindow() {
        let failures = (0..<6).map { self.failure("ada@example.org", "x\($0)", secondsAgo: 60) }
        // A new address still gets its attempt; one that failed once waits for that failure to leave.
        #expect(self.decide(failures, address: "new") == .allowed)
        #expect(self.decide(failures, address: "x0") == .refused(retryAfterSeconds: 840))
        // Under the per-email budget, an address has its full three.
        #expect(self.decide(Array(failures.prefix(4)) + [failures[0]], address: "x0") == .allowed)
    }

    @Test
    func whenSeveralLimitsAreFullTheRetryWaitsForTheLast() {
        let failures =
            (0..<3).map { _ in self.failure("ada@example.org", "a", secondsAgo: 10) }
            + (0..<2).map { self.failure("user\($0)@example.org", "a", secondsAgo: 600) }
        // The address's window frees when the oldest of its five failures leaves (300 s); the
        // pair's when its first leaves (890 s).
        #expect(self.decide(failures, address: "a") == .refused(retryAfterSeconds: 890))
    }

    @Test
    func failuresAtOrBeforeTheWindowsStartDoNotCount() {
        let failures = (0..<6).map { self.failure("ada@example.org", "a", secondsAgo: 900 + Double($0)) }
        #expect(self.decide(failures, address: "a") == .allowed)
        #expect(self.budget.windowStart(endingAt: self.now) == self.now.addingTimeInterval(-900))
    }
}
