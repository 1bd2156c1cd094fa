public import Foundation

/// How a run talks to the server and how long it waits.
public struct RunOptions: Sendable {
    /// The server under test for scenarios against one server, e.g. `http://127.0.0.1:8080`.
    /// It runs with `--clock event-time` and no telemetry time window (`--ts-max-past off
    /// --ts-max-future off`). `nil` when only region servers are given.
    public var serverURL: URL?
    /// The servers of each region by region id, for scenarios across regions (from a region
    /// directory file, ``RegionDirectory``). They run with the same flags as ``serverURL``.
    public var regionServers: [String: URL]
    /// Event time per wall time: `60` posts a minute of events per second. `nil` posts as fast
    /// as the server answers.
    public var speed: Double?
    /// The longest wait for expected alerts after the last upload.
    public var timeout: Duration
    /// How long no alert may arrive before a scenario counts as finished; longer than the
    /// server's alert tick (1 s), so an unexpected silence or repeat is seen. Not used with an
    /// ``operatorToken``.
    public var settle: Duration
    /// An operator token every server under test accepts (`tetherd operator-token`). With one,
    /// a run does not wait for the server's alert tick: after the last upload it runs one pass
    /// of each server's `alert-ticker` job (`POST /v1/operator/jobs/alert-ticker/run`), which
    /// records and streams every repeat and lifted suppression due, then waits until each
    /// owner's stream holds everything its alert list shows.
    public var operatorToken: String?
    /// How to restart a server, for backup pushes that a restart interrupts
    /// (`restart_server_after`); scenarios with one need it.
    public var serverRestarter: ServerRestarter?
    /// Where progress lines go (one per step and owner); standard error in `tether-sim`.
    public var progress: @Sendable (String) -> Void

    /// Options with the defaults: as fast as possible, a 15 s timeout, 1.5 s to settle.
    public init(
        serverURL: URL? = nil,
        regionServers: [String: URL] = [:],
        speed: Double? = nil,
        timeout: Duration = .seconds(15),
        settle: Duration = .milliseconds(1_500),
        operatorToken: String? = nil,
        serverRestarter: ServerRestarter? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.serverRestarter = serverRestarter
        self.operatorToken = operatorToken
        self.serverURL = serverURL
        self.regionServers = regionServers
        self.speed = speed
        self.timeout = timeout
        self.settle = settle
        self.progress = progress
    }

    /// What `scenario` needs that these options lack, as a sentence (`nil` when it can run):
    /// a scenario across regions needs a server for each of its regions, any other one the
    /// single server; one whose backup restarts its server needs a ``serverRestarter``.
    public func missingServers(for scenario: Scenario) -> String? {
        guard scenario.spansRegions else {
            if self.serverURL == nil { return "needs a single server (--server URL)" }
            return self.missingRestarter(for: scenario)
        }
        let missing = scenario.regions.map(\.id).filter { self.regionServers[$0] == nil }
        guard !missing.isEmpty else { return self.missingRestarter(for: scenario) }
        return "runs across regions and needs a server for \(missing.joined(separator: ", ")) (--regions FILE)"
    }

    private func missingRestarter(for scenario: Scenario) -> String? {
        scenario.restartsServer && self.serverRestarter == nil
            ? "needs a way to restart its server (--restart-command CMD)" : nil
    }
}
