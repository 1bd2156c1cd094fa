public import Foundation

/// When a scenario's event time begins: a fixed instant (ISO 8601 with a zone, or milliseconds
/// since 1970), or `"now"`, the wall clock when the run starts (for snoozes, which the server
/// sets from its own clock).
public enum ScenarioStart: Sendable, Hashable, Decodable {
    case instant(Date)
    case now

    /// The instant, with `now` the wall clock's minute.
    public func resolved(now: Date) -> Date {
        switch self {
        case .instant(let date): date
        case .now: Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let milliseconds = try? container.decode(Int64.self) {
            guard milliseconds > 0 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be after 1970")
            }
            self = .instant(Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
            return
        }
        let text = try container.decode(String.self)
        if text == "now" {
            self = .now
            return
        }
        guard let date = Self.date(iso8601: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription:
                    "must be an ISO 8601 time with a zone like 2026-03-29T01:30:00Z, milliseconds since 1970, "
                    + "or \"now\", not '\(text)'"
            )
        }
        self = .instant(date)
    }

    /// Reads ISO 8601 with a zone, with or without fractional seconds.
    static func date(iso8601 text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
