import Foundation
import Testing
import TetherCore

/// `QuietWindow.contains` works on the local minute of the day away from offset changes; this
/// compares it, at many instants, with the instants `Calendar` gives for each occurrence.
struct QuietWindowAgreementTests {
    @Test(arguments: ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"])
    func theWindowAgreesWithTheCalendarAtManyInstants(zone: String) throws {
        var random = SplitMix64(seed: 11)
        let windows = [
            try QuietWindow(
                days: [.monday, .tuesday, .wednesday, .thursday, .friday],
                start: .init(minutes: 22 * 60),
                end: .init(minutes: 7 * 60),
                timeZone: zone
            ),
            try QuietWindow(
                days: [.saturday],
                start: .init(minutes: 9 * 60 + 30),
                end: .init(minutes: 17 * 60),
                timeZone: zone
            ),
            try QuietWindow(
                days: Set(Weekday.allCases),
                start: .init(minutes: 150),
                end: .init(minutes: 300),
                timeZone: zone
            ),
        ]
        // 2026, every instant to the minute.
        let year = 1_767_225_600.0
        for _ in 0..<3_000 {
            let date = Date(timeIntervalSince1970: year + Double(UInt64.random(in: 0..<525_600, using: &random)) * 60)
            for window in windows {
                #expect(window.contains(date) == Self.reference(window, date), "\(zone) \(date)")
            }
        }
    }

    /// Whether `date` lies between the real instants of an occurrence that starts today or yesterday.
    static func reference(_ window: QuietWindow, _ date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: window.timeZoneIdentifier)!
        let today = calendar.startOfDay(for: date)
        for back in [0, 1] {
            let day = calendar.date(byAdding: .day, value: -back, to: today)!
            let weekday = Weekday(rawValue: (calendar.component(.weekday, from: day) + 5) % 7 + 1)!
            guard window.days.contains(weekday) else { continue }
            let endDay = calendar.date(byAdding: .day, value: window.crossesMidnight ? 1 : 0, to: day)!
            guard let start = Self.instant(window.start, day, calendar),
                let end = Self.instant(window.end, endDay, calendar)
            else { continue }
            if start <= date, date < end { return true }
        }
        return false
    }

    static func instant(_ time: LocalTime, _ day: Date, _ calendar: Calendar) -> Date? {
        calendar.date(
            bySettingHour: time.minutes / 60,
            minute: time.minutes % 60,
            second: 0,
            of: day,
            matchingPolicy: .nextTime,
            repeatedTimePolicy: .first,
            direction: .forward
        )
    }
}
