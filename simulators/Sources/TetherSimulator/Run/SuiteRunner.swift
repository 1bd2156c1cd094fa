public import Foundation
import TetherAPI

/// Runs scenarios one after the other against one server, in order of their start instants.
///
/// The server's alert clock (`--clock event-time`) is the newest device time it has seen, for
/// every account at once; a scenario that began before another one's events would find its
/// devices silent. So scenarios run by start instant, and a scenario's variants run one after
/// the other, and must all give the same alerts.
public struct SuiteRunner: Sendable {
    public let options: RunOptions

    /// A runner with `options`.
    public init(options: RunOptions) {
        self.options = options
    }

    /// Runs every scenario and each of its variants; the results follow the order they ran in.
    public func run(_ scenarios: [Scenario], now: Date = Date()) async -> [ScenarioResult] {
        let runner = ScenarioRunner(options: self.options)
        let tag = RunIdentity.randomTag()
        var results: [ScenarioResult] = []
        var number = 0
        let ordered = scenarios.enumerated().sorted {
            ($0.element.start.resolved(now: now), $0.offset) < ($1.element.start.resolved(now: now), $1.offset)
        }
        for scenario in ordered.map(\.element) {
            let variants: [Scenario.Variant?] = scenario.variants.isEmpty ? [nil] : scenario.variants
            var runs: [ScenarioResult] = []
            for variant in variants {
                number += 1
                var result = await runner.run(scenario, variant: variant, suiteTag: tag, number: number, now: now)
                if let first = runs.first, result.passed, first.passed,
                    let difference = Self.difference(first, result)
                {
                    result.problems.append("gives other alerts than \(first.name): \(difference)")
                }
                runs.append(result)
            }
            results += runs
        }
        return results
    }

    /// How the alerts of two runs of one scenario differ (kind, device, time, what silenced
    /// them), or `nil` when they are the same.
    static func difference(_ first: ScenarioResult, _ other: ScenarioResult) -> String? {
        func signature(_ alert: ReceivedAlert) -> String {
            let silencer =
                alert.suppressedBy.map { " " + ($0.split(separator: ":").first.map(String.init) ?? $0) } ?? ""
            return "\(alert.kind.rawValue) of \(alert.device) at \(Offset.text(alert.offset))\(silencer)"
        }
        let a = first.received.map(signature).sorted()
        let b = other.received.map(signature).sorted()
        guard a != b else { return nil }
        let missing = a.filter { !b.contains($0) }
        let extra = b.filter { !a.contains($0) }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("lacks " + missing.joined(separator: ", ")) }
        if !extra.isEmpty { parts.append("adds " + extra.joined(separator: ", ")) }
        return parts.isEmpty ? "a different number of the same alerts" : parts.joined(separator: "; ")
    }
}
