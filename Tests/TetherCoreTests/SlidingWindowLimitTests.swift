import Foundation
import PropertyBased
import Testing
import TetherCore

struct SlidingWindowLimitTests {
    private let now = Date(timeIntervalSince1970: 1_767_225_600)

    /// `seconds` before ``now`` (negative: after).
    private func ago(_ seconds: TimeInterval) -> Date {
        self.now.addingTimeInterval(-seconds)
    }

    @Test
    func theWindowStartsOneWindowBeforeNow() {
        let limit = SlidingWindowLimit(limit: 3, window: .seconds(900))
        #expect(limit.windowStart(endingAt: self.now) == self.ago(900))
        let fractional = SlidingWindowLimit(limit: 3, window: .milliseconds(1_500))
        #expect(fractional.windowStart(endingAt: self.now) == self.ago(1.5))
    }

    @Test
    func noEventsAreAllowed() {
        #expect(SlidingWindowLimit(limit: 1, window: .seconds(60)).decide(recent: [], now: self.now) == .allowed)
    }

    @Test
    func fewerEventsThanTheLimitAreAllowed() {
        let limit = SlidingWindowLimit(limit: 3, window: .seconds(60))
        #expect(limit.decide(recent: [self.ago(50), self.ago(10)], now: self.now) == .allowed)
    }

    @Test
    func eventsAtTheLimitAreRefusedUntilTheOldestLeaves() {
        let limit = SlidingWindowLimit(limit: 3, window: .seconds(60))
        let recent = [self.ago(50), self.ago(30), self.ago(0)]
        #expect(limit.decide(recent: recent, now: self.now) == .refused(retryAfterSeconds: 10))
        // An event at `now` counts as well.
        #expect(
            limit.decide(recent: [self.ago(0), self.ago(0), self.ago(0)], now: self.now)
                == .refused(retryAfterSeconds: 60)
        )
    }

    @Test
    func eventsBeforeTheWindowAreIgnored() {
        let limit = SlidingWindowLimit(limit: 2, window: .seconds(60))
        let old = [self.ago(61), self.ago(600), self.ago(86_400)]
        #expect(limit.decide(recent: old + [self.ago(5)], now: self.now) == .allowed)
        #expect(
            limit.decide(recent: old + [self.ago(5), self.ago(4)], now: self.now) == .refused(retryAfterSeconds: 55)
        )
    }

    @Test
    func eventsStampedAfterNowCount() {
        // A concurrent attempt that read the clock a moment later may be recorded first.
        let limit = SlidingWindowLimit(limit: 2, window: .seconds(60))
        #expect(limit.decide(recent: [self.ago(-0.5)], now: self.now) == .allowed)
        #expect(
            limit.decide(recent: [self.ago(-0.5), self.ago(-0.25)], now: self.now) == .refused(retryAfterSeconds: 61)
        )
        #expect(limit.decide(recent: [self.ago(10), self.ago(-2)], now: self.now) == .refused(retryAfterSeconds: 50))
    }

    @Test
    func anEventExactlyAtTheWindowStartNoLongerCounts() {
        let limit = SlidingWindowLimit(limit: 1, window: .seconds(60))
        #expect(limit.decide(recent: [self.ago(60)], now: self.now) == .allowed)
        #expect(limit.decide(recent: [self.ago(59.999)], now: self.now) == .refused(retryAfterSeconds: 1))
    }

    @Test(
        arguments: [
            (30.25, 30),  // leaves in 29.75 s
            (59.5, 1),  // leaves in 0.5 s
            (0.5, 60),  // leaves in 59.5 s
            (20.0, 40),  // leaves in exactly 40 s
        ] as [(TimeInterval, Int)]
    )
    func retryAfterIsTheCeilingOfTheTimeUntilTheEventLeaves(age: TimeInterval, expected: Int) {
        let limit = SlidingWindowLimit(limit: 1, window: .seconds(60))
        #expect(limit.decide(recent: [self.ago(age)], now: self.now) == .refused(retryAfterSeconds: expected))
    }

    @Test
    func retryAfterIsAtLeastOneSecond() {
        let limit = SlidingWindowLimit(limit: 1, window: .seconds(60))
        let decision = limit.decide(recent: [self.ago(59.999_999)], now: self.now)
        #expect(decision == .refused(retryAfterSeconds: 1))
    }

    @Test
    func retryAfterWaitsForTheOldestEventThatKeepsTheWindowFull() {
        // Over the limit (say, recorded by parallel attempts): one slot frees only when the
        // window holds limit - 1 events, i.e. when the second oldest of three leaves.
        let limit = SlidingWindowLimit(limit: 2, window: .seconds(60))
        let recent = [self.ago(10), self.ago(50), self.ago(40)]
        #expect(limit.decide(recent: recent, now: self.now) == .refused(retryAfterSeconds: 20))
        #expect(limit.decide(recent: recent, now: self.now.addingTimeInterval(19)) != .allowed)
        #expect(limit.decide(recent: recent, now: self.now.addingTimeInterval(20)) == .allowed)
    }

    @Test
    func theOrderOfEventsDoesNotMatter() {
        let limit = SlidingWindowLimit(limit: 3, window: .seconds(100))
        let events = [self.ago(90), self.ago(5), self.ago(45), self.ago(70), self.ago(200)]
        let expected = limit.decide(recent: events, now: self.now)
        // -90 s leaves first, but -70, -45 and -5 still fill the window until -70 leaves.
        #expect(expected == .refused(retryAfterSeconds: 30))
        for shuffled in [events.reversed(), events.sorted(), events.sorted().reversed()] as [[Date]] {
            #expect(limit.decide(recent: shuffled, now: self.now) == expected)
        }
    }

    @Test
    func attemptsArrivingOutOfOrderNeverOverrunTheLimit() async {
        // Concurrent attempts read the clock, then reach the store in any order.
        let limits = Gen.int(in: 1...5)
        let windows = Gen.int(in: 1...120)
        let offsets = Gen.int(in: 0...300).array(of: 1...60)
        await propertyCheck(input: limits, windows, offsets) { limitCount, windowSeconds, offsets in
            let limit = SlidingWindowLimit(limit: limitCount, window: .seconds(windowSeconds))
            var recorded: [Date] = []
            for offset in offsets {
                let time = self.now.addingTimeInterval(TimeInterval(offset))
                if limit.decide(recent: recorded, now: time) == .allowed {
                    recorded.append(time)
                }
            }
            #expect(!recorded.isEmpty)
            for event in recorded {
                let start = event.addingTimeInterval(-TimeInterval(windowSeconds))
                let windowEndingThere = recorded.filter { $0 > start && $0 <= event }
                #expect(windowEndingThere.count <= limitCount)
            }
        }
    }

    @Test
    func recordingEveryAllowedAttemptNeverOverrunsTheLimit() async {
        let limits = Gen.int(in: 1...6)
        let windows = Gen.int(in: 1...600)
        let gaps = Gen.int(in: 0...120).array(of: 1...80)
        await propertyCheck(input: limits, windows, gaps) { limitCount, windowSeconds, gaps in
            let limit = SlidingWindowLimit(limit: limitCount, window: .seconds(windowSeconds))
            let window = TimeInterval(windowSeconds)
            var recorded: [Date] = []
            var time = self.now
            for gap in gaps {
                time = time.addingTimeInterval(TimeInterval(gap))
                let inWindow = recorded.filter { $0 > time.addingTimeInterval(-window) }.count
                switch limit.decide(recent: recorded, now: time) {
                case .allowed:
                    #expect(inWindow < limitCount)
                    recorded.append(time)
                case .refused(let retryAfter):
                    #expect(inWindow == limitCount)
                    #expect((1...windowSeconds).contains(retryAfter))
                    // Whole-second events: exactly `retryAfter` later, and not a second sooner, it fits.
                    let retryAt = time.addingTimeInterval(TimeInterval(retryAfter))
                    #expect(limit.decide(recent: recorded, now: retryAt) == .allowed)
                    if retryAfter > 1 {
                        #expect(limit.decide(recent: recorded, now: retryAt.addingTimeInterval(-1)) != .allowed)
                    }
                }
            }
            // No window of the recorded stream holds more than `limit` events.
            for event in recorded {
                let windowEndingThere = recorded.filter { $0 > event.addingTimeInterval(-window) && $0 <= event }
                #expect(windowEndingThere.count <= limitCount)
            }
        }
    }
}
