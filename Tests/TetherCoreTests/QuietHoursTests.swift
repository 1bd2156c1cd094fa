import Testing
import TetherCore

struct QuietHoursTests {
    // MARK: Weekday lists

    @Test(arguments: [
        ("mon-fri", [Weekday.monday, .tuesday, .wednesday, .thursday, .friday]),
        ("sat,sun", [.saturday, .sunday]),
        ("fri-mon", [.friday, .saturday, .sunday, .monday]),
        ("sun-sun", [.sunday]),
        ("mon,wed-fri", [.monday, .wednesday, .thursday, .friday]),
        (" Mon - Wed , sat ", [.monday, .tuesday, .wednesday, .saturday]),
        ("daily", Weekday.allCases),
        ("weekdays", [.monday, .tuesday, .wednesday, .thursday, .friday]),
        ("weekends", [.saturday, .sunday]),
        ("monday,friday", [.monday, .friday]),
    ])
    func readsDayLists(text: String, expected: [Weekday]) throws {
        #expect(try Weekday.days(text) == Set(expected))
    }

    @Test(arguments: ["", " ", "mo", "mon-", "-fri", "mon--fri", "mon-wed-fri", "funday", "1-5", ","])
    func rejectsOtherDayLists(text: String) {
        #expect(invalidField { _ = try Weekday.days(text) } == "days")
        #expect(invalidField { _ = try Weekday.days(text, field: "windows[0].days") } == "windows[0].days")
    }

    @Test
    func rejectsDayNamesThatOnlyStartLikeADay() {
        // `Weekday(shortName:)` takes any text that starts with a day's three letters.
        #expect(invalidField { _ = try Weekday.days("mon;fri") } == "days")
        #expect(invalidField { _ = try Weekday.days("monkey") } == "days")
    }

    @Test
    func weekdaysAreNumberedAsISODoes() {
        #expect(Weekday.monday.rawValue == 1)
        #expect(Weekday.sunday.rawValue == 7)
        #expect(Weekday.monday.previous == .sunday)
        #expect(Weekday.allCases.map(\.shortName) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    }

    // MARK: Times of day

    @Test(arguments: [("07:00", 420), ("7:05", 425), ("00:00", 0), ("23:59", 1_439), (" 22:30 ", 1_350)])
    func readsTimes(text: String, minutes: Int) throws {
        let time = try LocalTime(text)
        #expect(time.minutes == minutes)
        #expect(try LocalTime(time.description) == time)
    }

    @Test(arguments: ["24:00", "7", "07:5", "07:60", "-1:00", "07-00", "7:05:00", "", "ab:cd", "007:00"])
    func rejectsOtherTimes(text: String) {
        #expect(invalidField { _ = try LocalTime(text) } == "time")
        #expect(invalidField { _ = try LocalTime(text, field: "from") } == "from")
    }

    @Test
    func rejectsSignedHoursAndMinutes() {
        #expect(invalidField { _ = try LocalTime("+7:00") } == "time")
        #expect(invalidField { _ = try LocalTime("07:+5") } == "time")
    }

    @Test
    func describesTimesWithTwoDigits() {
        #expect(LocalTime(minutes: 425).description == "07:05")
        #expect(LocalTime(minutes: 1_350).description == "22:30")
        #expect(LocalTime(minutes: 0).description == "00:00")
    }

    // MARK: Windows

    @Test
    func acceptsAValidWindow() throws {
        let window = try QuietWindow(
            days: [.monday],
            start: LocalTime("22:00"),
            end: LocalTime("07:00"),
            timeZone: "America/New_York"
        )
        #expect(window.crossesMidnight)
        #expect(window.timeZoneIdentifier == "America/New_York")
        let daytime = try QuietWindow(
            days: [.monday],
            start: LocalTime("09:00"),
            end: LocalTime("12:00"),
            timeZone: "UTC"
        )
        #expect(!daytime.crossesMidnight)
    }

    @Test(arguments: ["Mars/Base", "Europe/Atlantis", "", "CET+1", "not a zone"])
    func rejectsAnUnknownTimeZone(zone: String) throws {
        let start = try LocalTime("22:00")
        let end = try LocalTime("07:00")
        #expect(invalidField { _ = try QuietWindow(days: [.monday], start: start, end: end, timeZone: zone) } == "tz")
    }

    @Test
    func rejectsAWindowThatStartsWhenItEnds() throws {
        let time = try LocalTime("22:00")
        #expect(
            invalidField { _ = try QuietWindow(days: [.monday], start: time, end: time, timeZone: "Europe/Berlin") }
                == "to"
        )
    }

    @Test
    func rejectsAWindowWithoutDays() throws {
        let start = try LocalTime("22:00")
        let end = try LocalTime("07:00")
        #expect(
            invalidField { _ = try QuietWindow(days: [], start: start, end: end, timeZone: "Europe/Berlin") } == "days"
        )
    }
}
