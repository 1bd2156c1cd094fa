import Foundation
import TetherAPI

// A scenario across regions: which server each owner contacts first, where they ended up, and
// that a device's telemetry reaches only its home region.

extension ScenarioRunner {
    /// The server `owner` contacts first: its `first_contact` region's (default the scenario's
    /// first region) in a scenario across regions, else the single server.
    func contactURL(for owner: ScenarioOwner, in scenario: Scenario) -> URL {
        guard let first = scenario.regions.first else { return self.options.serverURL! }
        return self.options.regionServers[owner.firstContact ?? first.id]!
    }

    /// ` at us, sent home to eu (http://…)` for a progress line; empty against one server.
    static func `where`(_ owner: ProvisionedOwner, in scenario: Scenario) -> String {
        guard let first = scenario.regions.first else { return "" }
        let contacted = owner.spec.firstContact ?? first.id
        guard owner.redirect != nil else { return " at \(contacted), its home region" }
        return " at \(contacted), sent home (421 wrong_region) to \(owner.region) at \(owner.serverURL.absoluteString)"
    }

    /// A probe for each device whose telemetry must reach only its home region.
    func probes(_ expect: Expectations, owners: [ProvisionedOwner]) -> [String: TelemetryProbe] {
        var probes: [String: TelemetryProbe] = [:]
        for owner in owners {
            for name in expect.telemetryOnlyAtHome where owner.devices[name] != nil {
                probes[name] = TelemetryProbe(homeRegion: owner.region, homeURL: owner.serverURL)
            }
        }
        return probes
    }

    /// Posts `events` to every region but the device's home; the problems with their answers,
    /// and a line for the progress output.
    func refusals(
        of events: [WireEvent],
        device: ProvisionedDevice,
        probe: TelemetryProbe
    ) async throws -> (problems: [String], note: String) {
        var problems: [String] = []
        var refused: [String] = []
        for (region, url) in self.options.regionServers.sorted(by: { $0.key < $1.key }) where region != probe.homeRegion
        {
            if let problem = try await probe.refusal(of: events, by: region, at: url, device: device) {
                problems.append(problem)
            } else {
                refused.append(region)
            }
        }
        let note =
            "\(device.name): \(events.count) event(s) refused by \(refused.isEmpty ? "no region" : refused.joined(separator: ", "))"
            + " (421 wrong_region, home \(probe.homeRegion) at \(probe.homeURL.absoluteString)); posting them home"
        return (problems, note)
    }

    /// Owners whose home region is not the expected one, and home servers that are not their
    /// region's in the directory.
    func homeRegionProblems(_ expect: Expectations, owners: [ProvisionedOwner], scenario: Scenario) -> [String] {
        guard scenario.spansRegions else { return [] }
        var problems: [String] = []
        for owner in owners {
            if let expected = expect.homeRegions[owner.spec.name], expected != owner.region {
                problems.append("\(owner.spec.name): home region \(owner.region), expected \(expected)")
            }
            if let listed = self.options.regionServers[owner.region], listed != owner.serverURL {
                problems.append(
                    "\(owner.spec.name): sent home to \(owner.serverURL.absoluteString), but the region directory "
                        + "has \(listed.absoluteString) for \(owner.region)"
                )
            }
        }
        return problems
    }

    /// Checks that the home server stored every probed batch: its events are in the device's
    /// telemetry there and the device has been seen.
    func storedAtHome(_ probed: [String: [UUID]], owners: [ProvisionedOwner], start: Date) async throws -> [String] {
        var problems: [String] = []
        for owner in owners {
            for (name, ids) in probed.sorted(by: { $0.key < $1.key }) {
                guard let device = owner.devices[name] else { continue }
                let step = APIStep(serverURL: owner.serverURL)
                let history = try await step("listing \(name)'s telemetry at home") {
                    try await owner.client.listTelemetry(
                        path: .init(deviceId: device.id),
                        query: .init(since: start, limit: 10_000)
                    )
                    .ok.body.json
                }
                let stored = Set(history.events.map { $0.eventId.lowercased() })
                let missing = ids.filter { !stored.contains($0.uuidString.lowercased()) }
                if !missing.isEmpty {
                    problems.append(
                        "\(name): \(missing.count) of \(ids.count) events refused elsewhere are not stored at home "
                            + "(\(owner.region))"
                    )
                }
                let seen = try await step("reading \(name) at home") {
                    try await owner.client.getDevice(path: .init(deviceId: device.id)).ok.body.json.lastSeen
                }
                if seen == nil { problems.append("\(name): its home region (\(owner.region)) has never seen it") }
            }
        }
        return problems
    }
}
