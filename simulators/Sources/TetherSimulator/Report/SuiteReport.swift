import Foundation
import TetherAPI

/// The `--json` output of `tether-sim run`:
/// `{"passed": N, "failed": N, "scenarios": [{"name", "passed", "expected": [{"kind", "device_id", "ts"}], "received": [same]}]}`.
/// A scenario across regions adds `"home_regions": {"owner": "region"}` to its entry.
///
/// An expected alert's `ts` is the start of its window; a received alert's is its own `ts`.
/// Times are ISO 8601 in UTC with milliseconds.
public struct SuiteReport: Encodable, Sendable {
    /// One alert: its kind, the server's device id, and a time.
    public struct AlertEntry: Encodable, Sendable, Hashable {
        public var kind: String
        public var deviceID: String
        public var ts: String

        enum CodingKeys: String, CodingKey {
            case kind
            case deviceID = "device_id"
            case ts
        }
    }

    /// One scenario run.
    public struct Entry: Encodable, Sendable {
        public var name: String
        public var passed: Bool
        public var expected: [AlertEntry]
        public var received: [AlertEntry]
        /// In a scenario across regions, each owner's home region by owner name; absent otherwise.
        public var homeRegions: [String: String]?

        enum CodingKeys: String, CodingKey {
            case name, passed, expected, received
            case homeRegions = "home_regions"
        }
    }

    public var passed: Int
    public var failed: Int
    public var scenarios: [Entry]

    /// The report of `results`.
    public init(_ results: [ScenarioResult]) {
        self.passed = results.filter(\.passed).count
        self.failed = results.count - self.passed
        self.scenarios = results.map { result in
            Entry(
                name: result.name,
                passed: result.passed,
                expected: result.outcomes.map {
                    AlertEntry(
                        kind: $0.expected.kind.rawValue,
                        deviceID: $0.deviceID ?? $0.expected.device,
                        ts: ScenarioRunner.iso(result.start.addingTimeInterval(Double($0.expected.from) / 1_000))
                    )
                },
                received: result.received.map {
                    AlertEntry(kind: $0.kind.rawValue, deviceID: $0.deviceID, ts: ScenarioRunner.iso($0.ts))
                },
                homeRegions: result.homeRegions.isEmpty ? nil : result.homeRegions
            )
        }
    }

    /// The report as one line of JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
