import TetherAPI

/// Pairs expected alerts with received ones: same kind and device, `ts` in the window, the
/// same suppression. Expectations with the earliest window end choose first, each taking the
/// earliest alert that fits.
enum ExpectationMatcher {
    /// The outcome of each expectation and the problems (missing, unexpected, not ended).
    static func match(
        _ expectations: Expectations,
        received: [ReceivedAlert],
        deviceIDs: [String: String],
        fenceIDs: [String: String]
    ) -> (outcomes: [ScenarioResult.Outcome], problems: [String]) {
        var unmatched = received.sorted { ($0.offset, $0.id) < ($1.offset, $1.id) }
        var outcomes = expectations.alerts.map {
            ScenarioResult.Outcome(expected: $0, deviceID: deviceIDs[$0.device], match: nil)
        }
        var problems: [String] = []
        let order = outcomes.indices.sorted {
            (outcomes[$0].expected.to, outcomes[$0].expected.from) < (
                outcomes[$1].expected.to, outcomes[$1].expected.from
            )
        }
        for index in order {
            let expected = outcomes[index].expected
            guard let found = unmatched.firstIndex(where: { self.fits($0, expected, fenceIDs: fenceIDs) }) else {
                let near = unmatched.filter { $0.kind == expected.kind && $0.device == expected.device }
                var line = "missing: \(self.describe(expected))"
                if !near.isEmpty { line += "; got " + near.map(\.details).joined(separator: ", ") }
                problems.append(line)
                continue
            }
            let alert = unmatched.remove(at: found)
            outcomes[index].match = alert
            if let ended = expected.ended, ended != (alert.endedAt != nil) {
                problems.append("\(alert.details): expected its episode \(ended ? "to have ended" : "to be open")")
            }
            if let repeats = expected.repeats, repeats != alert.repeats {
                problems.append("\(alert.details): expected \(repeats) repeat(s), got \(alert.repeats)")
            }
            if let toldLater = expected.toldLater, toldLater != alert.toldLater {
                problems.append(
                    "\(alert.details): expected it \(toldLater ? "to be told later (unsuppressed)" : "never to be told")"
                )
            }
        }
        if expectations.noOtherAlerts {
            problems += unmatched.map { "unexpected: \($0.details)" }
        }
        return (outcomes, problems)
    }

    /// Whether every expected alert has arrived (whatever became of its episode since).
    static func allArrived(_ expected: [ExpectedAlert], received: [ReceivedAlert], fenceIDs: [String: String]) -> Bool {
        let presence = expected.map {
            var bare = $0
            bare.ended = nil
            bare.toldLater = nil
            bare.repeats = nil
            return bare
        }
        return self.match(
            Expectations(alerts: presence, noOtherAlerts: false),
            received: received,
            deviceIDs: [:],
            fenceIDs: fenceIDs
        )
        .problems.isEmpty
    }

    static func fits(_ alert: ReceivedAlert, _ expected: ExpectedAlert, fenceIDs: [String: String]) -> Bool {
        guard alert.kind == expected.kind, alert.device == expected.device,
            (expected.from...expected.to).contains(alert.offset), alert.suppressed == expected.suppressed
        else { return false }
        guard let prefix = expected.suppressedBy else { return true }
        return (alert.suppressedBy ?? "").hasPrefix(self.resolve(prefix, fenceIDs: fenceIDs))
    }

    /// `safe:Home` → `safe:<id of the fence named Home>`; anything else as it is.
    static func resolve(_ prefix: String, fenceIDs: [String: String]) -> String {
        let parts = prefix.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = fenceIDs[parts[1]] else { return prefix }
        return "\(parts[0]):\(id)"
    }

    /// `anti_lost of tag between +1m and +3m, not suppressed`.
    static func describe(_ expected: ExpectedAlert) -> String {
        let when =
            expected.from == expected.to
            ? "at \(Offset.text(expected.from))"
            : "between \(Offset.text(expected.from)) and \(Offset.text(expected.to))"
        let suppression =
            expected.suppressed ? "suppressed\(expected.suppressedBy.map { " by \($0)" } ?? "")" : "not suppressed"
        return "\(expected.kind.rawValue) of \(expected.device) \(when), \(suppression)"
    }
}
