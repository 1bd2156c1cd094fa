/// The pass/fail table `tether-sim run` prints: one row per scenario run, its problems under it.
public enum ResultTable {
    /// The table for `results`, ending with a summary line; `elapsed` is the wall time of the
    /// whole run (variants run side by side, so their times overlap). `skipped` lists scenarios
    /// left out for want of their servers, each with why, in one line under the table.
    public static func render(
        _ results: [ScenarioResult],
        elapsed: Duration? = nil,
        skipped: [(name: String, reason: String)] = []
    ) -> String {
        let width = max(24, (results.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ size: Int) -> String {
            text.count >= size ? text + " " : text + String(repeating: " ", count: size - text.count)
        }
        var lines = [
            pad("SCENARIO", width) + pad("RESULT", 8) + pad("EXPECTED", 10) + pad("RECEIVED", 10) + pad("EVENTS", 8)
                + "TIME"
        ]
        for result in results {
            let met = result.outcomes.filter { $0.match != nil }.count
            lines.append(
                pad(result.name, width) + pad(result.passed ? "pass" : "FAIL", 8)
                    + pad("\(met)/\(result.outcomes.count)", 10) + pad("\(result.received.count)", 10)
                    + pad("\(result.events)", 8) + Self.seconds(result.duration)
            )
            for problem in result.problems {
                lines.append("    - \(problem)")
            }
        }
        let failed = results.filter { !$0.passed }.count
        let total = elapsed ?? results.reduce(Duration.zero) { $0 + $1.duration }
        lines.append("passed \(results.count - failed), failed \(failed) in \(Self.seconds(total))")
        lines += Self.skipNotes(skipped)
        return lines.joined(separator: "\n")
    }

    /// One line per reason: `skipped 2 that need a single server (--server URL): a, b`.
    public static func skipNotes(_ skipped: [(name: String, reason: String)]) -> [String] {
        var reasons: [String] = []
        var names: [String: [String]] = [:]
        for entry in skipped {
            if names[entry.reason] == nil { reasons.append(entry.reason) }
            names[entry.reason, default: []].append(entry.name)
        }
        return reasons.map { reason in
            let list = names[reason]!
            return "skipped \(list.count) that \(Self.plural(reason, list.count)): \(list.joined(separator: ", "))"
        }
    }

    /// `needs …` / `runs across …` in the plural for more than one scenario.
    private static func plural(_ reason: String, _ count: Int) -> String {
        guard count > 1 else { return reason }
        if reason.hasPrefix("needs ") { return "need " + reason.dropFirst(6) }
        if reason.hasPrefix("runs across regions and needs ") {
            return "run across regions and need " + reason.dropFirst(30)
        }
        return reason
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1_000).\(milliseconds % 1_000 / 100)s"
    }
}
