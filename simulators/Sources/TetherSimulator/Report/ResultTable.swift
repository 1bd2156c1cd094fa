/// The pass/fail table `tether-sim run` prints: one row per scenario run, its problems under it.
public enum ResultTable {
    /// The table for `results`, ending with a summary line; `elapsed` is the wall time of the
    /// whole run (variants run side by side, so their times overlap).
    public static func render(_ results: [ScenarioResult], elapsed: Duration? = nil) -> String {
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
        return lines.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
        return "\(milliseconds / 1_000).\(milliseconds % 1_000 / 100)s"
    }
}
