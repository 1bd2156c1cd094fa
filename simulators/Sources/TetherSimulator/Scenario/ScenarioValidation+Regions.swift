// What a decoder cannot check about a scenario across regions: unique region ids, owners that
// contact a listed region, and region expectations that name owners, devices and regions of the file.

extension ScenarioValidation {
    static func checkRegions(_ scenario: Scenario, file: String) throws(ScenarioError) {
        var ids: Set<String> = []
        for (index, region) in scenario.regions.enumerated() where !ids.insert(region.id).inserted {
            throw ScenarioError(file: file, field: "regions[\(index)].id", problem: "'\(region.id)' is listed twice")
        }
        for (index, owner) in scenario.owners.enumerated() {
            guard let contact = owner.firstContact else { continue }
            guard !ids.isEmpty else {
                throw ScenarioError(
                    file: file,
                    field: "owners[\(index)].first_contact",
                    problem: "needs the scenario's regions"
                )
            }
            guard ids.contains(contact) else {
                throw ScenarioError(
                    file: file,
                    field: "owners[\(index)].first_contact",
                    problem: "no region '\(contact)' (regions: \(ids.sorted().joined(separator: ", ")))"
                )
            }
        }
        var expectations = [("expect", scenario.expect)]
        expectations += scenario.variants.enumerated().compactMap { index, variant in
            variant.expect.map { ("variants[\(index)].expect", $0) }
        }
        let owners = Set(scenario.owners.map(\.name))
        let devices = Set(scenario.devices.map(\.name))
        for (field, expect) in expectations {
            if !expect.homeRegions.isEmpty || !expect.telemetryOnlyAtHome.isEmpty, ids.isEmpty {
                throw ScenarioError(
                    file: file,
                    field: expect.homeRegions.isEmpty ? "\(field).telemetry_only_at_home" : "\(field).home_regions",
                    problem: "needs the scenario's regions"
                )
            }
            for (owner, region) in expect.homeRegions.sorted(by: { $0.key < $1.key }) {
                guard owners.contains(owner) else {
                    throw ScenarioError(
                        file: file,
                        field: "\(field).home_regions",
                        problem: "no owner named '\(owner)'"
                    )
                }
                guard ids.contains(region) else {
                    throw ScenarioError(
                        file: file,
                        field: "\(field).home_regions.\(owner)",
                        problem: "no region '\(region)' (regions: \(ids.sorted().joined(separator: ", ")))"
                    )
                }
            }
            if !expect.telemetryOnlyAtHome.isEmpty, ids.count < 2 {
                throw ScenarioError(
                    file: file,
                    field: "\(field).telemetry_only_at_home",
                    problem: "needs at least two regions, one to refuse the telemetry"
                )
            }
            for (index, device) in expect.telemetryOnlyAtHome.enumerated() where !devices.contains(device) {
                throw ScenarioError(
                    file: file,
                    field: "\(field).telemetry_only_at_home[\(index)]",
                    problem: "no device named '\(device)'"
                )
            }
        }
    }
}
