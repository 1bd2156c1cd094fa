public import Foundation
import TetherAPI
import TetherClient

/// Runs one scenario against a live server over HTTP, as a fleet of devices and phones would:
/// registers the owners, pairs their devices, applies their settings, follows their alert
/// streams, posts the telemetry in device-time order (batched, shuffled or late as the
/// scenario says), waits for the alerts, and compares them with the expected ones.
public struct ScenarioRunner: Sendable {
    public let options: RunOptions
    let sender: TelemetrySender

    /// A runner with `options`.
    public init(options: RunOptions) {
        self.options = options
        self.sender = TelemetrySender(serverURL: options.serverURL)
    }

    /// Runs `scenario` (with `variant`'s upload settings, if given) as run `number` of a suite
    /// tagged `suiteTag`; `now` resolves a start of `"now"`.
    public func run(
        _ scenario: Scenario,
        variant: Scenario.Variant? = nil,
        suiteTag: String? = nil,
        number: Int = 1,
        now: Date = Date()
    ) async -> ScenarioResult {
        let name = variant.map { "\(scenario.name):\($0.name)" } ?? scenario.name
        let expect = variant?.expect ?? scenario.expect
        let began = ContinuousClock.now
        let start = scenario.start.resolved(now: now)
        let identity = RunIdentity(suiteTag: suiteTag ?? RunIdentity.randomTag(), number: number)
        var watchers: [AlertWatcher] = []
        do {
            let plan = self.plan(scenario, variant: variant, runTag: identity.tag)
            let progress = { (line: String) in self.options.progress("[\(name)] \(line)") }
            var owners: [ProvisionedOwner] = []
            var fences: [String: String] = [:]
            for owner in scenario.owners {
                let provisioned = try await AccountProvisioner(serverURL: self.options.serverURL, identity: identity)
                    .provision(owner)
                progress(
                    "\(owner.name): registered \(provisioned.email), paired "
                        + owner.devices.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
                )
                let settings = try await SettingsApplier(serverURL: self.options.serverURL).apply(provisioned)
                fences.merge(settings.fences) { first, _ in first }
                watchers.append(
                    try await APIStep(serverURL: self.options.serverURL)("opening \(owner.name)'s alert stream") {
                        try await AlertWatcher.open(provisioned.client)
                    }
                )
                progress("\(owner.name): \(settings.summary); watching alerts")
                owners.append(provisioned)
            }
            let devices = Dictionary(uniqueKeysWithValues: owners.flatMap(\.devices.values).map { ($0.name, $0) })
            let events = plan.reduce(0) { $0 + $1.events.count }
            let span = plan.map(\.sendAt).max() ?? 0
            progress(
                "posting \(plan.count) batches (\(events) events) from \(devices.count) devices, "
                    + "event time \(Self.iso(start)) to \(Offset.text(span))"
            )
            try await self.post(plan, devices: devices, start: start)
            progress("waiting for \(expect.alerts.count) expected alert(s)")
            let posted = ContinuousClock.now
            try await self.waitForAlerts(
                expect,
                watchers: watchers,
                devices: devices,
                fences: fences,
                start: start,
                since: posted
            )

            var (received, problems) = try await self.collect(owners: owners, watchers: watchers, start: start)
            for watcher in watchers { await watcher.stop() }
            watchers = []
            let matched = ExpectationMatcher.match(
                expect,
                received: received,
                deviceIDs: devices.mapValues(\.id),
                fenceIDs: fences
            )
            problems += matched.problems
            if let hint = Self.clockHint(received, span: span, start: start) { problems.append(hint) }
            received.sort { ($0.offset, $0.id) < ($1.offset, $1.id) }
            let result = ScenarioResult(
                name: name,
                start: start,
                outcomes: matched.outcomes,
                received: received,
                problems: problems,
                events: events,
                batches: plan.count,
                duration: began.duration(to: .now)
            )
            for alert in received { progress("received \(alert.details)") }
            progress("\(result.passed ? "pass" : "FAIL"): \(received.count) alert(s) received")
            return result
        } catch {
            for watcher in watchers { await watcher.stop() }
            self.options.progress("[\(name)] FAIL: \(error)")
            return .broken(name, start: start, problem: "\(error)", duration: began.duration(to: .now))
        }
    }

    /// Every upload of the scenario, in send order.
    func plan(_ scenario: Scenario, variant: Scenario.Variant?, runTag: String) -> [PlannedBatch] {
        let composer = EventComposer(world: RadioWorld(scenario, runTag: runTag), seed: scenario.seed)
        let shared = (variant?.upload ?? UploadSettings()).resolved(over: scenario.upload.resolved(over: .defaults))
        let devices = scenario.devices.map { device in
            // The variant's word for one device, then the device's own, then the shared settings.
            let own = (device.upload ?? UploadSettings()).resolved(over: shared)
            return (
                name: device.name, events: composer.events(for: device),
                upload: (variant?.devices[device.name] ?? UploadSettings()).resolved(over: own)
            )
        }
        return UploadPlanner.plan(devices, seed: scenario.seed)
    }

    /// Posts the batches one after the other, at `--speed` pace when one is set.
    private func post(_ plan: [PlannedBatch], devices: [String: ProvisionedDevice], start: Date) async throws {
        let began = ContinuousClock.now
        let startMilliseconds = Int64((start.timeIntervalSince1970 * 1_000).rounded())
        for batch in plan {
            if let speed = self.options.speed {
                let due = began + .milliseconds(Int64(Double(batch.sendAt) / speed))
                if due > .now { try await Task.sleep(until: due) }
            }
            let device = devices[batch.device]!
            let events = batch.events.map {
                WireEvent(id: UUID(), timestamp: startMilliseconds + $0.time, payload: $0.payload)
            }
            try await self.sender.send(events, credential: device.credential, device: device.name)
        }
    }

    /// Waits until every expected alert has arrived and nothing more came for the settle time,
    /// or until the timeout.
    private func waitForAlerts(
        _ expect: Expectations,
        watchers: [AlertWatcher],
        devices: [String: ProvisionedDevice],
        fences: [String: String],
        start: Date,
        since posted: ContinuousClock.Instant
    ) async throws {
        let names = Dictionary(uniqueKeysWithValues: devices.values.map { ($0.id, $0.name) })
        while true {
            var alerts: [ReceivedAlert] = []
            var last = posted
            for watcher in watchers {
                alerts += await watcher.notifications.filter { $0.event == "alert" }.map {
                    Self.received($0.alert, names: names, start: start)
                }
                if let arrival = await watcher.lastArrival { last = max(last, arrival) }
            }
            let complete = ExpectationMatcher.allArrived(expect.alerts, received: alerts, fenceIDs: fences)
            if complete, last.duration(to: .now) >= self.options.settle { return }
            if posted.duration(to: .now) >= self.options.timeout { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The alerts streamed during the run, checked against each owner's `GET /v1/alerts`.
    private func collect(
        owners: [ProvisionedOwner],
        watchers: [AlertWatcher],
        start: Date
    ) async throws -> ([ReceivedAlert], [String]) {
        var received: [ReceivedAlert] = []
        var problems: [String] = []
        for (owner, watcher) in zip(owners, watchers) {
            let names = owner.devices.values.reduce(into: [String: String]()) { $0[$1.id] = $1.name }
            let listed = try await APIStep(serverURL: self.options.serverURL)("listing \(owner.spec.name)'s alerts") {
                try await owner.client.listAlerts(query: .init(limit: 1_000)).ok.body.json
            }
            let notifications = await watcher.notifications
            if let failure = await watcher.failure { problems.append("\(owner.spec.name): \(failure)") }
            let streamed = notifications.filter { $0.event == "alert" }.map(\.alert)
            let byID = Dictionary(listed.map { ($0.id, $0) }) { first, _ in first }
            let streamedIDs = Set(streamed.map(\.id))
            for alert in listed where !streamedIDs.contains(alert.id) {
                problems.append(
                    "listed but never streamed: \(Self.received(alert, names: names, start: start).summary)"
                )
            }
            for alert in streamed {
                // Kind, time and suppression as decided (the stream's `alert` event); whether
                // the episode ended, from the list at the end.
                var decided = alert
                decided.endedAt = byID[alert.id]?.endedAt
                if byID[alert.id] == nil {
                    problems.append(
                        "streamed but not listed: \(Self.received(alert, names: names, start: start).summary)"
                    )
                }
                if decided.endedAt == nil,
                    let ended = notifications.last(where: { $0.event == "ended" && $0.alert.id == alert.id })
                {
                    decided.endedAt = ended.alert.endedAt
                }
                var entry = Self.received(decided, names: names, start: start)
                entry.toldLater = notifications.contains { $0.event == "unsuppressed" && $0.alert.id == alert.id }
                received.append(entry)
            }
        }
        return (received, problems)
    }

    /// Says so when the server's event-time clock was already past the scenario: an alert
    /// decided after the scenario's last event (a `silent` judged at once) means the server had
    /// seen later device times, from another scenario or an earlier run.
    static func clockHint(_ received: [ReceivedAlert], span: Int64, start: Date) -> String? {
        guard let ahead = received.filter({ $0.offset > span }).max(by: { $0.offset < $1.offset }) else { return nil }
        return "the server's event-time clock was at \(Self.iso(ahead.ts)), after this scenario's last event "
            + "(\(Offset.text(span))): it had seen later device times, so devices here were judged by them; "
            + "run scenarios in start order on a fresh server (tether-sim run --all sorts them)"
    }

    static func received(_ alert: Components.Schemas.Alert, names: [String: String], start: Date) -> ReceivedAlert {
        ReceivedAlert(
            id: alert.id,
            kind: alert.kind,
            deviceID: alert.deviceId,
            device: names[alert.deviceId] ?? alert.deviceId,
            ts: alert.ts,
            offset: Int64(((alert.ts.timeIntervalSince1970 - start.timeIntervalSince1970) * 1_000).rounded()),
            suppressedBy: alert.suppressedBy,
            endedAt: alert.endedAt,
            reason: alert.reason,
            fixes: alert.fixes.map {
                (
                    $0.source,
                    Int64((($0.ts.timeIntervalSince1970 - start.timeIntervalSince1970) * 1_000).rounded()),
                    $0.accuracyM
                )
            }
        )
    }

    /// `2026-01-10T09:00:00.000Z`.
    static func iso(_ date: Date) -> String {
        (try? MillisecondDateTranscoder().encode(date)) ?? "\(date)"
    }
}
