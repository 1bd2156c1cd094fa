public import Foundation
import TetherAPI

/// What one run of a scenario (or of one of its variants) came to.
public struct ScenarioResult: Sendable {
    /// One expected alert and the alert that met it, if one did.
    public struct Outcome: Sendable {
        public var expected: ExpectedAlert
        /// The id the server gave the expected device.
        public var deviceID: String?
        public var match: ReceivedAlert?
    }

    /// `walk-away`, or `out-of-order:shuffled` for a variant.
    public var name: String
    public var start: Date
    public var outcomes: [Outcome]
    /// Every alert raised during the run (stream `alert` events), in the order they arrived.
    public var received: [ReceivedAlert]
    /// Why it failed, one line each; empty when it passed.
    public var problems: [String]
    public var events: Int
    public var batches: Int
    public var duration: Duration
    /// In a scenario across regions, each owner's home region by owner name; else empty.
    public var homeRegions: [String: String] = [:]
    /// Every owner's backup steps, in the order they ran (owners in file order).
    public var backups: [BackupStepResult] = []

    /// Whether everything expected arrived and nothing else went wrong.
    public var passed: Bool { self.problems.isEmpty }

    /// A run that could not get as far as comparing alerts.
    static func broken(_ name: String, start: Date, problem: String, duration: Duration) -> ScenarioResult {
        ScenarioResult(
            name: name,
            start: start,
            outcomes: [],
            received: [],
            problems: [problem],
            events: 0,
            batches: 0,
            duration: duration
        )
    }
}
