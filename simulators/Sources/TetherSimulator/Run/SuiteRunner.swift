public import Foundation
import TetherAPI

/// Runs scenarios one after the other against one server, in order of their start instants.
///
/// The server's alert clock (`--clock event-time`) is the newest device time it has seen, for
/// every account at once; a scenario that began before another one's events would find its
/// devices silent. So scenarios run one after the other by start instant. A scenario's
/// variants share its event times and run side by side; they must all give the same alerts.
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
            let first = number + 1
            number += variants.count
            // A scenario's variants share its event times, so they may run side by side.
            var runs = await withTaskGroup(of: (Int, ScenarioResult).self) { group in
                for (index, variant) in variants.enumerated() {
                    group.addTask {
                        let result = await runner.run(
                            scenario,
                            variant: variant,
                            suiteTag: tag,
                            number: first + index,
                            now: now
                        )
                        return (index, result)
                    }
                }
                return await group.reduce(into: [(Int, ScenarioResult)]()) { $0.append($1) }
                    .sorted { $0.0 < $1.0 }.map(\.1)
            }
            for index in runs.indices.dropFirst() where runs[0].passed && runs[index].passed {
                if let difference = Self.difference(runs[0], runs[index]) {
                    runs[index].problems.append("gives other alerts than \(runs[0].name): \(difference)")
                }
            }
            results += runs
        }
        return results
    }

    /// How the alerts of two runs of one scenario differ (kind, device, what silenced them,
    /// whether the episode ended), or `nil` when they are the same. When evidence arrives out
    /// of order the server may decide an episode on a later fix, so times are left to each
    /// run's expectations.
    static func difference(_ first: ScenarioResult, _ other: ScenarioResult) -> String? {
        func signature(_ alert: ReceivedAlert) -> String {
            let silencer =
                alert.suppressedBy.map { " suppressed by " + ($0.split(separator: ":").first.map(String.init) ?? $0) }
                ?? ""
            return "\(alert.kind.rawValue) of \(alert.device)\(silencer)\(alert.endedAt == nil ? "" : " (ended)")"
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
