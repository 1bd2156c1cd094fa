public import Foundation
public import OpenAPIRuntime

/// ISO 8601 times with milliseconds (`2026-11-23T17:34:29.123Z`) on the way out; any RFC 3339
/// date-time on the way in (``RFC3339``), as the contract's `format: date-time` allows.
///
/// Telemetry device times are milliseconds; whole seconds would merge events of one second and
/// make paging by time skip some. Server and client both use this transcoder.
public struct MillisecondDateTranscoder: DateTranscoder {
    /// Creates the transcoder.
    public init() {}

    public func encode(_ date: Date) throws -> String {
        // The nearest whole millisecond, as GRDB stores dates, so a time read back from the
        // store encodes exactly like the value that was stored.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1_000)
        let wholeSeconds = Date(timeIntervalSince1970: Double(fraction < 0 ? seconds - 1 : seconds))
        let millisecondText = String((fraction + 1_000) % 1_000)
        let padded = String(repeating: "0", count: 3 - millisecondText.count) + millisecondText
        return wholeSeconds.formatted(Self.whole).dropLast() + ".\(padded)Z"
    }

    public func decode(_ text: String) throws -> Date {
        if let date = RFC3339.date(text) { return date }
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "Expected an ISO 8601 date-time, got '\(text.prefix(40))'.")
        )
    }

    private static let whole = Date.ISO8601FormatStyle()
}

extension Configuration {
    /// Tether's configuration of the generated server and client: millisecond date-times.
    public static var tether: Configuration {
        Configuration(dateTranscoder: MillisecondDateTranscoder())
    }
}
