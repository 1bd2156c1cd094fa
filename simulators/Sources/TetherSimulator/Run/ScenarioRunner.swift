public import Foundation
import TetherAPI
import TetherClient

/// Runs one scenario against a live server over HTTP, as a fleet of devices and phones would:
/// registers the owners, pairs their devices, applies their settings, follows their alert
/// streams, posts the telemetry in device-time order (batched, shuffled or late as the
/// scenario says), waits for the alerts, and compares them with the expected ones.
public struct ScenarioRunner: Sendable {
    public let options: RunOptions

    /// A runner with `options`.
    public init(options: RunOptions) {
        self.options = options
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
        if let missing = self.options.missingServers(for: scenario) {
            self.options.progress("[\(name)] FAIL: \(missing)")
            return .broken(name, start: start, problem: "\(name) \(missing)", duration: began.duration(to: .now))
        }
        do {
            let plan = self.plan(scenario, variant: variant, runTag: identity.tag)
            let progress = { (line: String) in self.options.progress("[\(name)] \(line)") }
            var owners: [ProvisionedOwner] = []
            var fences: [String: String] = [:]
            for owner in scenario.owners {
                let provisioned = try await AccountProvisioner(
                    serverURL: self.contactURL(for: owner, in: scenario),
                    identity: identity
                )
                .provision(owner)
                progress(
                    "\(owner.name): registered \(provisioned.email)\(Self.where(provisioned, in: scenario)), paired "
                        + owner.devices.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
                )
                let settings = try await SettingsApplier(serverURL: provisioned.serverURL).apply(
                    provisioned,
                    start: start
                )
                fences.merge(settings.fences) { first, _ in first }
                watchers.append(
                    try await APIStep(serverURL: provisioned.serverURL)("opening \(owner.name)'s alert stream") {
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
            let probes = self.probes(expect, owners: owners)
            let posted = try await self.post(plan, devices: devices, start: start, probes: probes)
            var problems = posted.problems
            for line in posted.notes { progress(line) }
            progress("waiting for \(expect.alerts.count) expected alert(s)")
            try await self.waitForAlerts(
                expect,
                owners: owners,
                watchers: watchers,
                devices: devices,
                fences: fences,
                start: start,
                since: .now
            )

            var (received, collected) = try await self.collect(owners: owners, watchers: watchers, start: start)
            problems += collected
            problems += self.homeRegionProblems(expect, owners: owners, scenario: scenario)
            problems += try await self.storedAtHome(posted.probed, owners: owners, start: start)
            for watcher in watchers { await watcher.stop() }
            watchers = []
            let backups = await self.playBackups(scenario, owners: owners, name: name, tag: identity.tag)
            problems += backups.problems
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
                duration: began.duration(to: .now),
                homeRegions: scenario.spansRegions
                    ? Dictionary(uniqueKeysWithValues: owners.map { ($0.spec.name, $0.region) }) : [:],
                backups: backups.results
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

    /// Posts the batches one after the other, at `--speed` pace when one is set, each to its
    /// device's home server. A device with a probe has its first batch posted to every other
    /// region first; what their answers got wrong comes back as problems, with the event ids of
    /// each probed batch (to be found at home later) and a line saying what the probes saw.
    private func post(
        _ plan: [PlannedBatch],
        devices: [String: ProvisionedDevice],
        start: Date,
        probes: [String: TelemetryProbe]
    ) async throws -> (problems: [String], probed: [String: [UUID]], notes: [String]) {
        let began = ContinuousClock.now
        let startMilliseconds = Int64((start.timeIntervalSince1970 * 1_000).rounded())
        var problems: [String] = []
        var probed: [String: [UUID]] = [:]
        var notes: [String] = []
        for batch in plan {
            if let speed = self.options.speed {
                let due = began + .milliseconds(Int64(Double(batch.sendAt) / speed))
                if due > .now { try await Task.sleep(until: due) }
            }
            let device = devices[batch.device]!
            let events = batch.events.map {
                WireEvent(id: UUID(), timestamp: startMilliseconds + $0.time, payload: $0.payload)
            }
            if let probe = probes[batch.device], probed[batch.device] == nil {
                let found = try await self.refusals(of: events, device: device, probe: probe)
                problems += found.problems
                notes.append(found.note)
                probed[batch.device] = events.map(\.id)
            }
            try await TelemetrySender(serverURL: device.serverURL).send(
                events,
                credential: device.credential,
                device: device.name
            )
        }
        return (problems, probed, notes)
    }

    /// `2026-01-10T09:00:00.000Z`.
    static func iso(_ date: Date) -> String {
        (try? MillisecondDateTranscoder().encode(date)) ?? "\(date)"
    }
}
