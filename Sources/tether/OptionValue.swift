import ArgumentParser
import Foundation
import TetherCore

/// Reads the values people type for alert settings: distances, durations and times.
///
/// Every failure is a `ValidationError` naming the option, so a bad value exits with status 64
/// before anything is sent.
enum OptionValue {
    /// A distance in metres: `30m`, `1.5km`, or a bare number of metres; more than zero.
    static func metres(_ text: String, option: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let (number, scale): (Substring, Double) =
            if trimmed.hasSuffix("km") {
                (trimmed.dropLast(2), 1_000)
            } else if trimmed.hasSuffix("m") {
                (trimmed.dropLast(1), 1)
            } else {
                (Substring(trimmed), 1)
            }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0 else {
            throw ValidationError("\(option) must be a positive distance like 30m, 1.5km or 50 (metres)")
        }
        return value * scale
    }

    /// A duration like `90s`, `10m`, `2h` or `1d`, read by TetherCore's setting parser.
    static func duration(_ text: String, option: String) throws -> Duration {
        do {
            return try Duration(setting: text, field: option)
        } catch {
            throw ValidationError("\(option) must be a duration like 90s, 10m, 2h or 1d")
        }
    }

    /// A duration in whole seconds.
    static func seconds(_ text: String, option: String) throws -> Int {
        let duration = try Self.duration(text, option: option)
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0, seconds <= Int64(Int.max) else {
            throw ValidationError("\(option) must be a whole number of seconds, like 90s or 10m")
        }
        return Int(seconds)
    }

    /// A moment: an ISO 8601 instant, or a local `HH:MM` today (tomorrow when it has passed).
    static func instant(_ text: String, option: String, now: Date, calendar: Calendar = .current) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
            let minute = Int(parts[1]),
            (0...23).contains(hour), (0...59).contains(minute)
        else {
            throw ValidationError("\(option) must be a local time like 18:00 or an ISO 8601 time")
        }
        guard let today = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: now) else {
            throw ValidationError("\(option): \(text) does not exist today in \(calendar.timeZone.identifier)")
        }
        if today > now { return today }
        let tomorrow = calendar.date(byAdding: .day, value: 1, to: now) ?? now.addingTimeInterval(86_400)
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: tomorrow)
            ?? today.addingTimeInterval(86_400)
    }

    /// A duration for people, in the setting syntax: `60s` → `1m`, `0` → `off` when `zeroMeans` is given.
    static func durationText(_ seconds: Int?, zeroMeans: String? = nil) -> String {
        guard let seconds else { return "-" }
        if seconds == 0, let zeroMeans { return zeroMeans }
        return Duration.seconds(seconds).settingDescription
    }

    /// A distance for people: `30 m`, `1.5 km`.
    static func distanceText(_ metres: Double?) -> String {
        guard let metres else { return "-" }
        return metres >= 1_000 ? "\(Self.number(metres / 1_000)) km" : "\(Self.number(metres)) m"
    }

    /// A number with at most three decimals and no trailing zeros, in any locale.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// `--device ID`: the device a setting is for; absent for the account-wide setting.
struct DeviceScope: ParsableArguments {
    @Option(help: "The device this applies to (default: every device of the account).")
    var device: String?
}
