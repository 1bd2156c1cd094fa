import Foundation
import Testing
import TetherAlerts
import TetherCore

/// Quiet windows across midnight and daylight-saving changes, the snooze, the switch, and what the
/// engine silences.
struct DoNotDisturbTests {
    private static func window(_ days: String, _ from: String, _ to: String, _ zone: String) throws -> QuietWindow {
        try QuietWindow(days: Weekday.days(days), start: LocalTime(from), end: LocalTime(to), timeZone: zone)
    }

    // Berlin in June is UTC+2; 2026-06-05 is a Friday.
    @Test(arguments: [
        ("2026-06-05T19:59:00Z", false),  // Friday 21:59
        ("2026-06-05T20:00:00Z", true),  // Friday 22:00
        ("2026-06-05T21:00:00Z", true),  // Friday 23:00
        ("2026-06-06T04:59:00Z", true),  // Saturday 06:59
        ("2026-06-06T05:00:00Z", false),  // Saturday 07:00
        ("2026-06-06T20:30:00Z", false),  // Saturday 22:30
        ("2026-06-08T01:00:00Z", false),  // Monday 03:00: Sunday night is not listed
        ("2026-06-08T20:30:00Z", true),  // Monday 22:30
        ("2026-06-02T04:59:00Z", true),  // Tuesday 06:59, Monday's night
    ])
    func aWindowAcrossMidnightBelongsToTheDayItStarts(instant: String, quiet: Bool) throws {
        let window = try Self.window("mon-fri", "22:00", "07:00", "Europe/Berlin")
        #expect(window.crossesMidnight)
        #expect(window.contains(utc(instant)) == quiet)
    }

    @Test
    func listingSundayMakesMondayMorningQuiet() throws {
        let window = try Self.window("mon-fri,sun", "22:00", "07:00", "Europe/Berlin")
        #expect(window.contains(utc("2026-06-08T01:00:00Z")))
    }

    /// Both change days in both zones for `22:00–07:00`: the window ends at 07:00 on the local
    /// clock, however long the night.
    @Test(arguments: [
        // Berlin, spring forward 2026-03-29 02:00 CET → 03:00 CEST.
        ("Europe/Berlin", "2026-03-28T20:59:00Z", false),  // Sat 21:59 CET
        ("Europe/Berlin", "2026-03-28T21:00:00Z", true),  // Sat 22:00 CET
        ("Europe/Berlin", "2026-03-29T01:00:00Z", true),  // Sun 03:00 CEST
        ("Europe/Berlin", "2026-03-29T04:59:00Z", true),  // Sun 06:59 CEST
        ("Europe/Berlin", "2026-03-29T05:00:00Z", false),  // Sun 07:00 CEST (06:00 CET)
        // Berlin, fall back 2026-10-25 03:00 CEST → 02:00 CET.
        ("Europe/Berlin", "2026-10-24T19:59:00Z", false),  // Sat 21:59 CEST
        ("Europe/Berlin", "2026-10-24T20:00:00Z", true),  // Sat 22:00 CEST
        ("Europe/Berlin", "2026-10-25T05:00:00Z", true),  // Sun 06:00 CET (07:00 CEST)
        ("Europe/Berlin", "2026-10-25T05:59:00Z", true),  // Sun 06:59 CET
        ("Europe/Berlin", "2026-10-25T06:00:00Z", false),  // Sun 07:00 CET
        // New York, spring forward 2026-03-08 02:00 EST → 03:00 EDT.
        ("America/New_York", "2026-03-08T02:59:00Z", false),  // Sat 21:59 EST
        ("America/New_York", "2026-03-08T03:00:00Z", true),  // Sat 22:00 EST
        ("America/New_York", "2026-03-08T10:59:00Z", true),  // Sun 06:59 EDT
        ("America/New_York", "2026-03-08T11:00:00Z", false),  // Sun 07:00 EDT (06:00 EST)
        // New York, fall back 2026-11-01 02:00 EDT → 01:00 EST.
        ("America/New_York", "2026-11-01T01:59:00Z", false),  // Sat 21:59 EDT
        ("America/New_York", "2026-11-01T02:00:00Z", true),  // Sat 22:00 EDT
        ("America/New_York", "2026-11-01T11:00:00Z", true),  // Sun 06:00 EST (07:00 EDT)
        ("America/New_York", "2026-11-01T11:59:00Z", true),  // Sun 06:59 EST
        ("America/New_York", "2026-11-01T12:00:00Z", false),  // Sun 07:00 EST
    ])
    func aNightWindowFollowsTheLocalClockOnChangeDays(zone: String, instant: String, quiet: Bool) throws {
        let window = try Self.window("daily", "22:00", "07:00", zone)
        #expect(window.contains(utc(instant)) == quiet)
    }

    /// `02:30–05:00`: on spring-forward day 02:30 does not exist, and the window begins when the
    /// clock jumps past it.
    @Test(arguments: [
        ("Europe/Berlin", "2026-03-28T01:29:00Z", false),  // Sat 02:29 CET, an ordinary night
        ("Europe/Berlin", "2026-03-28T01:30:00Z", true),  // Sat 02:30 CET
        ("Europe/Berlin", "2026-03-29T00:59:00Z", false),  // Sun 01:59 CET
        ("Europe/Berlin", "2026-03-29T01:00:00Z", true),  // Sun 03:00 CEST, just after the jump
        ("Europe/Berlin", "2026-03-29T02:59:00Z", true),  // Sun 04:59 CEST
        ("Europe/Berlin", "2026-03-29T03:00:00Z", false),  // Sun 05:00 CEST
        ("Europe/Berlin", "2026-10-25T00:29:00Z", false),  // Sun 02:29 CEST
        ("Europe/Berlin", "2026-10-25T00:30:00Z", true),  // Sun 02:30 CEST
        ("Europe/Berlin", "2026-10-25T01:30:00Z", true),  // Sun 02:30 CET, the second time
        ("Europe/Berlin", "2026-10-25T03:59:00Z", true),  // Sun 04:59 CET
        ("Europe/Berlin", "2026-10-25T04:00:00Z", false),  // Sun 05:00 CET
        ("America/New_York", "2026-03-08T06:59:00Z", false),  // Sun 01:59 EST
        ("America/New_York", "2026-03-08T07:00:00Z", true),  // Sun 03:00 EDT, just after the jump
        ("America/New_York", "2026-03-08T08:59:00Z", true),  // Sun 04:59 EDT
        ("America/New_York", "2026-03-08T09:00:00Z", false),  // Sun 05:00 EDT
        ("America/New_York", "2026-11-01T06:30:00Z", false),  // Sun 01:30 EST, the second time
        ("America/New_York", "2026-11-01T07:29:00Z", false),  // Sun 02:29 EST
        ("America/New_York", "2026-11-01T07:30:00Z", true),  // Sun 02:30 EST
        ("America/New_York", "2026-11-01T09:59:00Z", true),  // Sun 04:59 EST
        ("America/New_York", "2026-11-01T10:00:00Z", false),  // Sun 05:00 EST
    ])
    func aWindowStartingAt0230OnChangeDays(zone: String, instant: String, quiet: Bool) throws {
        let window = try Self.window("daily", "02:30", "05:00", zone)
        #expect(window.contains(utc(instant)) == quiet)
    }

    @Test
    func aWindowThatHasBegunStaysQuietThroughTheRepeatedHour() throws {
        // Berlin, 2026-10-25: quiet from 02:30 CEST (00:30Z); the clock then goes back to 02:00 CET
        // (01:00Z) and reads 02:00–02:29 a second time, still before 05:00 CET (04:00Z).
        let window = try Self.window("daily", "02:30", "05:00", "Europe/Berlin")
        #expect(window.contains(utc("2026-10-25T01:00:00Z")))
        #expect(window.contains(utc("2026-10-25T01:15:00Z")))
    }

    // MARK: Snooze and switch

    @Test
    func aSnoozeSilencesUntilItsEndAndNotAtOrAfterIt() {
        let until = utc("2026-06-03T12:00:00Z")
        let settings = DoNotDisturb(snoozedUntil: until)
        #expect(settings.silencer(at: until.addingTimeInterval(-3_600)) == .snooze(until: until))
        #expect(settings.silencer(at: until.addingTimeInterval(-0.001)) == .snooze(until: until))
        #expect(settings.silencer(at: until) == nil)
        #expect(settings.silencer(at: until.addingTimeInterval(60)) == nil)
        #expect(DoNotDisturb.Silencer.snooze(until: until).description == "snooze")
    }

    @Test
    func theSwitchOffSilencesNothing() throws {
        let night = utc("2026-06-05T21:00:00Z")
        var settings = DoNotDisturb(
            isEnabled: false,
            windows: ["night": try Self.window("daily", "22:00", "07:00", "Europe/Berlin")],
            snoozedUntil: night.addingTimeInterval(3_600)
        )
        #expect(settings.silencer(at: night) == nil)
        settings.isEnabled = true
        #expect(settings.silencer(at: night) == .snooze(until: night.addingTimeInterval(3_600)))
        settings.snoozedUntil = nil
        #expect(settings.silencer(at: night) == .quietWindow("night"))
        #expect(settings.silencer(at: night)?.description == "dnd:night")
    }

    @Test
    func overlappingWindowsAnswerTheSmallestId() throws {
        let settings = DoNotDisturb(windows: [
            "weeknights": try Self.window("mon-fri", "22:00", "07:00", "Europe/Berlin"),
            "late": try Self.window("daily", "23:00", "06:00", "Europe/Berlin"),
            "bedtime": try Self.window("daily", "21:00", "06:30", "Europe/Berlin"),
        ])
        // Friday 23:30 in Berlin: all three.
        #expect(settings.silencer(at: utc("2026-06-05T21:30:00Z")) == .quietWindow("bedtime"))
        // Saturday 06:45: only the weeknights window.
        #expect(settings.silencer(at: utc("2026-06-06T04:45:00Z")) == .quietWindow("weeknights"))
    }

    // MARK: The engine

    /// The phone walks away from the device; an SOS follows at 200 s.
    private static func walkAwayThenSOS(start: Int64) -> TrackBuilder {
        var track = TrackBuilder(start: start)
        track.device(.standing(), every: 10, through: 300)
        track.owner(.walk(to: 300, departing: 30), every: 10, from: 5, through: 300)
        track.sos(at: 200)
        return track
    }

    @Test
    func anAntiLostAlertInAQuietWindowIsRecordedAsSuppressedButAnSOSIsNot() throws {
        let rules = AlertRules(
            doNotDisturb: DoNotDisturb(windows: ["night": try Self.window("mon-fri", "22:00", "07:00", "Europe/Berlin")]
            )
        )
        // Friday 2026-06-05 23:30 in Berlin.
        let night = decisions(Self.walkAwayThenSOS(start: 1_780_695_000_000), rules: rules)
        #expect(night.of(.antiLost).map(\.suppressedBy) == ["dnd:night"])
        #expect(night.of(.sos).map(\.suppressedBy) == [nil])

        // Wednesday noon in Berlin: nothing silenced.
        let noon = decisions(Self.walkAwayThenSOS(start: trackEpoch), rules: rules)
        #expect(noon.of(.antiLost).map(\.suppressedBy) == [nil])
        #expect(noon.of(.sos).map(\.suppressedBy) == [nil])
    }

    @Test
    func aSnoozeSilencesAnAntiLostAlertButNotAnSOS() {
        let rules = AlertRules(doNotDisturb: DoNotDisturb(snoozedUntil: Date(milliseconds: trackEpoch + 3_600_000)))
        let found = decisions(Self.walkAwayThenSOS(start: trackEpoch), rules: rules)
        #expect(found.of(.antiLost).map(\.suppressedBy) == ["snooze"])
        #expect(found.of(.sos).map(\.suppressedBy) == [nil])
    }
}
