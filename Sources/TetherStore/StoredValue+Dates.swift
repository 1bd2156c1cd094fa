public import Foundation
import TetherCore

/// Instants in a ``StoredValue`` are what SQLite stores through GRDB: text
/// `yyyy-MM-dd HH:mm:ss.SSS` in UTC, the instant rounded to the nearest millisecond (as
/// Foundation's `DateFormatter`, which GRDB uses, rounds it). A backend that keeps instants in a
/// type of its own writes and reads this form, so its rows equal a SQLite region's.
extension StoredValue {
    /// The stored text of `date` (GRDB's storage format).
    public static func dateText(_ date: Date) -> String {
        // Half a millisecond rounds up, toward the future, as the formatter does.
        Self.dateText(milliseconds: Int64((date.timeIntervalSince1970 * 1_000 + 0.5).rounded(.down)))
    }

    /// The stored text of the instant `milliseconds` after 1970-01-01 00:00:00 UTC.
    public static func dateText(milliseconds: Int64) -> String {
        let day = UTCDay(milliseconds: milliseconds)
        let millisecondOfDay = milliseconds - day.daysSinceEpoch * 86_400_000
        let second = millisecondOfDay / 1_000
        return day.description + " " + Self.digits(second / 3_600, 2) + ":" + Self.digits(second / 60 % 60, 2) + ":"
            + Self.digits(second % 60, 2) + "." + Self.digits(millisecondOfDay % 1_000, 3)
    }

    /// Milliseconds after 1970-01-01 00:00:00 UTC of a stored date (`yyyy-MM-dd HH:mm:ss`,
    /// `T` allowed for the space, with up to three digits of fraction); `nil` when `text` is not
    /// one.
    public static func dateMilliseconds(_ text: String) -> Int64? {
        let characters = Array(text.utf8)
        guard characters.count == 19 || (characters.count >= 21 && characters.count <= 23 && characters[19] == 46),
            characters[10] == 32 || characters[10] == 84, characters[13] == 58, characters[16] == 58,
            let day = UTCDay(String(decoding: characters[0..<10], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = characters[index]
                guard digit >= 48, digit <= 57 else { return nil }
                value = value * 10 + Int64(digit - 48)
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction: Int64 = 0
        if characters.count > 19 {
            guard let digits = number(20..<characters.count) else { return nil }
            fraction = digits * [100, 10, 1][characters.count - 21]
        }
        return day.daysSinceEpoch * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1_000 + fraction
    }

    /// `value` in decimal, zero-padded to `width` digits.
    private static func digits(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
