import Foundation
import PropertyBased
import Testing
import TetherCore

/// `UTCDay` against Foundation's Gregorian calendar in UTC as the oracle.
struct UTCDayTests {
    /// Foundation's Gregorian calendar is Julian before 15 October 1582, `UTCDay` is proleptic
    /// Gregorian, and `YYYY-MM-DD` has four year digits: the oracle holds from 1583 to 9999.
    /// 1583-01-01: 387 years before 1970 with 94 leap days (97 multiples of 4, less 1700, 1800, 1900).
    static let firstOracleDay = Int64(-(387 * 365 + 94))
    /// 9999-12-31: 8,030 years from 1970 with 1,947 leap days (2,007 multiples of 4, less 60 centuries), less a day.
    static let lastOracleDay = Int64(8_030 * 365 + 1_947 - 1)

    @Test
    func theOracleRangeIsRight() {
        #expect(oracleText(daysSinceEpoch: Self.firstOracleDay) == "1583-01-01")
        #expect(oracleText(daysSinceEpoch: Self.lastOracleDay) == "9999-12-31")
        #expect(oracleText(daysSinceEpoch: 0) == "1970-01-01")
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01"),
        (-1, "1969-12-31"),
        (1, "1970-01-02"),
        (59, "1970-03-01"),  // 1970 is not a leap year: Jan 31 + Feb 28 days
        (365, "1971-01-01"),
        (10_957, "2000-01-01"),  // 30 years with 7 leap days: 30 * 365 + 7
        (11_016, "2000-02-29"),
        (-25_567, "1900-01-01"),  // 70 years with 17 leap days (1900 is none)
    ])
    func knownDaysAreWrittenAndReadBack(days: Int64, text: String) {
        #expect(UTCDay(daysSinceEpoch: days).description == text)
        #expect(UTCDay(text) == UTCDay(daysSinceEpoch: days))
    }

    @Test
    func descriptionMatchesTheCalendarAndReadsBack() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: Self.firstOracleDay...Self.lastOracleDay)) { days in
            let day = UTCDay(daysSinceEpoch: days)
            #expect(day.description == oracleText(daysSinceEpoch: days))
            #expect(UTCDay(day.description) == day)
        }
    }

    @Test
    func textIsAcceptedExactlyWhenTheCalendarHasThatDate() async {
        // Days up to 31 in every month: the calendar rolls 2026-02-30 over to 2026-03-02, so a
        // date exists when its components survive the round trip through the calendar.
        let years = Gen.int(in: 1583...9999)
        let months = Gen.int(in: 1...12)
        let days = Gen.int(in: 1...31)
        await propertyCheck(count: 2_000, input: years, months, days) { year, month, day in
            let text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
            let components = DateComponents(year: year, month: month, day: day)
            let date = try #require(utc.date(from: components))
            let back = utc.dateComponents([.year, .month, .day], from: date)
            let exists = back.year == year && back.month == month && back.day == day
            let parsed = UTCDay(text)
            #expect((parsed != nil) == exists, "\(text)")
            if let parsed {
                #expect(parsed.start == date)
                #expect(parsed.description == text)
            }
        }
    }

    @Test(arguments: [
        ("2024-02-29", true), ("2000-02-29", true), ("2400-02-29", true), ("1996-02-29", true),
        ("2026-02-29", false), ("1900-02-29", false), ("2100-02-29", false), ("2023-02-29", false),
    ])
    func leapDaysExistInLeapYearsOnly(text: String, exists: Bool) throws {
        #expect((UTCDay(text) != nil) == exists)
        let year = text.prefix(4)
        let march = try #require(UTCDay("\(year)-03-01"))
        let february = try #require(UTCDay("\(year)-02-28"))
        // February has 29 days in a leap year.
        #expect(march.daysSinceEpoch - february.daysSinceEpoch == (exists ? 2 : 1))
        if exists { #expect(UTCDay(text)?.adding(days: 1) == march) }
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2026-04-31", "2026-01-32", "2026-1-01", "2026-01-1",
        "26-01-01", "02026-01-01", "2026/01/01", "2026-01-01T00:00", " 2026-01-01", "2026-01-01 ", "", "abcd-ef-gh",
        "+026-01-01", "-001-01-01", "2026--01-01", "2026-01", "2026-01-01-01", "２０２６-01-01",
    ])
    func invalidTextIsNil(text: String) {
        #expect(UTCDay(text) == nil)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01"),
        (86_399_999, "1970-01-01"),
        (86_400_000, "1970-01-02"),
        (-1, "1969-12-31"),
        (-86_400_000, "1969-12-31"),
        (-86_400_001, "1969-12-30"),
        (1_763_880_000_000, "2025-11-23"),  // 06:40 UTC
    ])
    func millisecondsFallIntoTheirUTCDay(milliseconds: Int64, text: String) {
        #expect(UTCDay(milliseconds: milliseconds).description == text)
        #expect(UTCDay(Date(milliseconds: milliseconds)).description == text)
    }

    @Test
    func aDayHoldsTheMillisecondsFromItsStartToTheNextStart() async {
        let range = Int64(-100_000 * 86_400_000)...Int64(100_000 * 86_400_000)
        await propertyCheck(count: 1_000, input: Gen.int64(in: range)) { milliseconds in
            let day = UTCDay(milliseconds: milliseconds)
            #expect(day.start.milliseconds <= milliseconds)
            #expect(milliseconds < day.adding(days: 1).start.milliseconds)
            #expect(day.start.milliseconds == day.daysSinceEpoch * 86_400_000)
        }
    }

    @Test
    func daysOrderByTime() {
        let day = UTCDay("2026-11-23")!
        #expect(day < day.adding(days: 1))
        #expect(day.adding(days: -1) < day)
        #expect(day.adding(days: 8).description == "2026-12-01")
        #expect(day.adding(days: 39).description == "2027-01-01")
        // Text order is day order, which the store's `day >= ?` comparisons rely on.
        #expect(day.description < day.adding(days: 39).description)
    }
}

private let utc: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar
}()

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

/// The calendar's `YYYY-MM-DD` for the day `days` after 1970-01-01.
private func oracleText(daysSinceEpoch days: Int64) -> String {
    let date = Date(timeIntervalSince1970: Double(days) * 86_400)
    let components = utc.dateComponents([.year, .month, .day], from: date)
    return "\(pad(components.year!, 4))-\(pad(components.month!, 2))-\(pad(components.day!, 2))"
}
