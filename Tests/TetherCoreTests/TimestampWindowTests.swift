import Foundation
import PropertyBased
import Testing
import TetherCore

/// `TimestampWindow`: which device times a server accepts, and the settings that configure it.
struct TimestampWindowTests {
    /// 2026-01-01T00:00:00Z, a whole millisecond so `now.milliseconds` is exact.
    private let now = Date(timeIntervalSince1970: 1_767_225_600)
    private var nowMilliseconds: Int64 { self.now.milliseconds }

    /// The rejection `check` throws, `nil` when it accepts.
    private func rejection(_ window: TimestampWindow, _ timestamp: Int64) -> TelemetryRejection? {
        do {
            try window.check(timestamp, now: self.now)
            return nil
        } catch {
            return error
        }
    }

    @Test
    func theDefaultAcceptsThirtyDaysBackAndFiveMinutesAhead() {
        let window = TimestampWindow()
        #expect(window.maxPast == .seconds(30 * 86_400))
        #expect(window.maxFuture == .seconds(300))
        let past = self.nowMilliseconds - 30 * 86_400_000
        let future = self.nowMilliseconds + 300_000
        // Both limits are inclusive.
        #expect(self.rejection(window, past) == nil)
        #expect(self.rejection(window, future) == nil)
        #expect(self.rejection(window, self.nowMilliseconds) == nil)

        let tooOld = self.rejection(window, past - 1)
        #expect(tooOld?.field == "ts")
        #expect(tooOld?.reason == "ts is more than 30d in the past")
        let tooNew = self.rejection(window, future + 1)
        #expect(tooNew?.field == "ts")
        #expect(tooNew?.reason == "ts is more than 5m in the future")
    }

    @Test
    func unboundedAcceptsEveryTime() {
        #expect(TimestampWindow.unbounded.maxPast == nil)
        #expect(TimestampWindow.unbounded.maxFuture == nil)
        for timestamp in [1, self.nowMilliseconds - 50 * 365 * 86_400_000, self.nowMilliseconds + 86_400_000, .max] {
            #expect(self.rejection(.unbounded, timestamp) == nil)
        }
    }

    @Test
    func eachSideCanBeOffAlone() {
        let noPast = TimestampWindow(maxPast: nil, maxFuture: .seconds(1))
        #expect(self.rejection(noPast, 1) == nil)
        #expect(self.rejection(noPast, self.nowMilliseconds + 1_001)?.field == "ts")

        let noFuture = TimestampWindow(maxPast: .seconds(1), maxFuture: nil)
        #expect(self.rejection(noFuture, .max) == nil)
        #expect(self.rejection(noFuture, self.nowMilliseconds - 1_001)?.field == "ts")
    }

    @Test
    func theRejectionNamesTheCheckedField() {
        let window = TimestampWindow(maxPast: .seconds(60), maxFuture: .seconds(60))
        do {
            try window.check(self.nowMilliseconds - 61_000, now: self.now, field: "start_ms")
            Issue.record("accepted")
        } catch {
            #expect(error.field == "start_ms")
            #expect(error.reason == "start_ms is more than 1m in the past")
        }
    }

    @Test
    func millisecondLimitsAreHonoured() {
        let window = TimestampWindow(maxPast: .milliseconds(1_500), maxFuture: .milliseconds(250))
        #expect(self.rejection(window, self.nowMilliseconds - 1_500) == nil)
        #expect(self.rejection(window, self.nowMilliseconds - 1_501) != nil)
        #expect(self.rejection(window, self.nowMilliseconds + 250) == nil)
        #expect(self.rejection(window, self.nowMilliseconds + 251) != nil)
    }

    @Test
    func aTimeIsAcceptedExactlyWhenItIsInsideTheWindow() async {
        let limits = Gen.int64(in: 0...(40 * 86_400_000))
        let offsets = Gen.int64(in: -(50 * 86_400_000)...(50 * 86_400_000))
        await propertyCheck(input: limits.optional, limits.optional, offsets) { past, future, offset in
            let window = TimestampWindow(
                maxPast: past.map(Duration.milliseconds),
                maxFuture: future.map(Duration.milliseconds)
            )
            let inside = offset >= -(past ?? .max) && offset <= (future ?? .max)
            #expect((self.rejection(window, self.nowMilliseconds + offset) == nil) == inside)
        }
    }

    @Test
    func durationMillisecondsDropsFractions() {
        #expect(Duration.seconds(30 * 86_400).milliseconds == 2_592_000_000)
        #expect(Duration.milliseconds(1_500).milliseconds == 1_500)
        #expect(Duration.microseconds(2_999).milliseconds == 2)
        #expect(Duration.zero.milliseconds == 0)
    }

    @Test(arguments: ["off", " off", "off\n", "\toff "])
    func offMeansNoLimit(text: String) throws {
        #expect(try Duration(optionalSetting: text, field: "ts-max-past") == nil)
    }

    @Test(arguments: [
        ("10m", Duration.seconds(600)), ("30d", .seconds(2_592_000)), (" 5m ", .seconds(300)),
        ("1ms", .milliseconds(1)),
    ])
    func otherTextIsADuration(text: String, expected: Duration) throws {
        #expect(try Duration(optionalSetting: text, field: "ts-max-past") == expected)
    }

    /// Zero would refuse every event but one exact millisecond: `off` is the way to lift a limit.
    @Test(arguments: ["", "OFF", "Off", "none", "never", "of", "off5m", "-5m", "0s", "0ms", "0d"])
    func anythingElseIsAnInvalidFieldNamedBySetting(text: String) {
        #expect(invalidField { _ = try Duration(optionalSetting: text, field: "ts-max-future") } == "ts-max-future")
    }
}
