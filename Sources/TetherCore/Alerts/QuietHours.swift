public import Foundation

/// A day of the week, numbered as ISO 8601 does (Monday 1 … Sunday 7).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday

    /// The three-letter name: `mon` … `sun`.
    public var shortName: String {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self.rawValue - 1]
    }

    /// The day before.
    public var previous: Weekday { Weekday(rawValue: self.rawValue == 1 ? 7 : self.rawValue - 1)! }

    /// Reads a day list: `mon-fri`, `sat,sun`, `mon,wed-fri`, `daily`, `weekdays`, `weekends`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`.
    public static func days(_ text: String, field: String = "days") throws(TetherError) -> Set<Weekday> {
        let lowered = text.lowercased().trimmingWhitespace()
        switch lowered {
        case "daily", "every day", "all": return Set(Weekday.allCases)
        case "weekdays": return [.monday, .tuesday, .wednesday, .thursday, .friday]
        case "weekends": return [.saturday, .sunday]
        default: break
        }
        var days: Set<Weekday> = []
        for part in lowered.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map {
                String($0.trimmingWhitespace())
            }
            guard (1...2).contains(bounds.count), let first = Self(shortName: bounds[0]),
                let last = Self(shortName: bounds[bounds.count - 1])
            else {
                throw .invalidField(field, "must be days like mon-fri, sat,sun or daily")
            }
            // A range may wrap past Sunday: fri-mon is Friday to Monday.
            var day = first
            days.insert(day)
            while day != last {
                day = Weekday(rawValue: day.rawValue % 7 + 1)!
                days.insert(day)
            }
        }
        guard !days.isEmpty else { throw .invalidField(field, "must name at least one day") }
        return days
    }

    /// The day whose ``shortName`` or full English name is `name` (lower case).
    public init?(shortName name: String) {
        let fullNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        guard let day = Weekday.allCases.first(where: { name == $0.shortName || name == fullNames[$0.rawValue - 1] })
        else { return nil }
        self = day
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A wall-clock time of day, to the minute.
public struct LocalTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes after midnight, 0…1439.
    public var minutes: Int

    /// Reads `HH:MM` (24-hour).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`.
    public init(_ text: String, field: String = "time") throws(TetherError) {
        let parts = text.trimmingWhitespace().split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else {
            throw .invalidField(field, "must be a time like 07:00 or 22:30")
        }
        self.minutes = hour * 60 + minute
    }

    /// The time `minutes` after midnight.
    public init(minutes: Int) {
        self.minutes = minutes
    }

    /// `HH:MM`.
    public var description: String {
        let hour = self.minutes / 60
        let minute = self.minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minutes < rhs.minutes }
}

/// A weekly quiet window: from `start` on each of `days` to `end`, in local time of an IANA
/// time zone. When `end` is not after `start` the window crosses midnight and ends the next day
/// (`mon-fri 22:00–07:00` is quiet from Friday 22:00 to Saturday 07:00, not on Monday morning
/// unless Sunday is listed too).
///
/// Times are wall-clock times, so the window follows daylight-saving changes: `22:00–07:00`
/// ends at 07:00 local on the night clocks change, whatever the length of that night. A start
/// that does not exist on a spring-forward day (02:30) begins when the clock jumps past it.
public struct QuietWindow: Sendable, Hashable {
    /// The days the window starts on.
    public var days: Set<Weekday>
    public var start: LocalTime
    public var end: LocalTime
    /// The IANA time zone, as given (`Europe/Berlin`).
    public private(set) var timeZoneIdentifier: String
    /// That zone, looked up once.
    private var timeZone: TimeZone

    /// Validates the window.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `tz`, `to` or `days`.
    public init(days: Set<Weekday>, start: LocalTime, end: LocalTime, timeZone: String) throws(TetherError) {
        guard !days.isEmpty else { throw .invalidField("days", "must name at least one day") }
        guard start != end else { throw .invalidField("to", "must differ from the start time") }
        guard let zone = TimeZone(identifier: timeZone), timeZone.contains("/") || timeZone == "UTC" else {
            throw .invalidField("tz", "must be an IANA time zone like Europe/Berlin")
        }
        self.days = days
        self.start = start
        self.end = end
        self.timeZoneIdentifier = timeZone
        self.timeZone = zone
    }

    /// Whether the window ends on the day after it starts.
    public var crossesMidnight: Bool { self.end <= self.start }

    /// Whether `date` falls in the window.
    ///
    /// Each candidate occurrence (starting today or yesterday, local time) is turned into real
    /// instants: a start or end that does not exist (spring forward) moves to the next time that
    /// does, a repeated one (fall back) means its first occurrence. So a 02:30–05:00 window on the
    /// night clocks go back is quiet for its whole, longer, night.
    ///
    /// Away from a change of the zone's offset (no change within 36 hours either side) local
    /// time is the instant plus one offset, so the check is arithmetic on the local minute of the
    /// day; near a change it goes through `Calendar` as above. The check runs for every alert
    /// decided, and `Calendar` costs tens of microseconds.
    public func contains(_ date: Date) -> Bool {
        let offset = self.timeZone.secondsFromGMT(for: date)
        if self.timeZone.secondsFromGMT(for: date.addingTimeInterval(-129_600)) == offset,
            self.timeZone.secondsFromGMT(for: date.addingTimeInterval(129_600)) == offset
        {
            return self.contains(localSeconds: Int64((date.timeIntervalSince1970).rounded(.down)) + Int64(offset))
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        let today = calendar.startOfDay(for: date)
        for daysBack in [0, 1] {
            guard let day = calendar.date(byAdding: .day, value: -daysBack, to: today),
                self.days.contains(Self.weekday(of: day, in: calendar)),
                let start = Self.instant(self.start, on: day, in: calendar),
                let endDay = calendar.date(byAdding: .day, value: self.crossesMidnight ? 1 : 0, to: day),
                let end = Self.instant(self.end, on: endDay, in: calendar)
            else { continue }
            if start <= date, date < end { return true }
        }
        return false
    }

    /// Whether local wall time `seconds` (since 1970-01-01 00:00 local) falls in the window.
    private func contains(localSeconds seconds: Int64) -> Bool {
        let (day, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (localDay, minute) = second < 0 ? (day - 1, Int(second + 86_400) / 60) : (day, Int(second) / 60)
        let today = Self.weekday(ofLocalDay: localDay)
        if self.crossesMidnight {
            if minute >= self.start.minutes, self.days.contains(today) { return true }
            return minute < self.end.minutes && self.days.contains(Self.weekday(ofLocalDay: localDay - 1))
        }
        return self.days.contains(today) && self.start.minutes <= minute && minute < self.end.minutes
    }

    /// The ISO weekday of a day counted from 1970-01-01, a Thursday.
    private static func weekday(ofLocalDay day: Int64) -> Weekday {
        let fromMonday = Int(((day + 3) % 7 + 7) % 7)
        return Weekday(rawValue: fromMonday + 1)!
    }

    /// The ISO weekday of `date` in the calendar's zone (Foundation counts Sunday as 1).
    private static func weekday(of date: Date, in calendar: Calendar) -> Weekday {
        Weekday(rawValue: (calendar.component(.weekday, from: date) + 5) % 7 + 1)!
    }

    /// The instant `time` on the local day starting at `day`.
    private static func instant(_ time: LocalTime, on day: Date, in calendar: Calendar) -> Date? {
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
