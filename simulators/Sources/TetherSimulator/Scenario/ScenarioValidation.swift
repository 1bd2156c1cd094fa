import TetherAPI

/// Checks what a decoder cannot: that every device a field names exists, and that names are unique.
enum ScenarioValidation {
    static func check(_ scenario: Scenario, file: String) throws(ScenarioError) {
        var seen: Set<String> = []
        for (ownerIndex, owner) in scenario.owners.enumerated() {
            for (deviceIndex, device) in owner.devices.enumerated() {
                guard seen.insert(device.name).inserted else {
                    throw ScenarioError(
                        file: file,
                        field: "owners[\(ownerIndex)].devices[\(deviceIndex)].name",
                        problem: "'\(device.name)' names another device already; device names must be unique"
                    )
                }
            }
        }
        for (ownerIndex, owner) in scenario.owners.enumerated() {
            let own = Set(owner.devices.map(\.name))
            let phones = Set(owner.devices.filter { $0.kind == .phone }.map(\.name))
            func require(
                _ name: String?,
                _ field: String,
                among names: Set<String>,
                what: String = "device"
            ) throws(ScenarioError) {
                guard let name, !names.contains(name) else { return }
                throw ScenarioError(
                    file: file,
                    field: "owners[\(ownerIndex)].\(field)",
                    problem: "\(owner.name) has no \(what) named '\(name)'"
                )
            }
            try require(owner.rules?.phone, "rules.phone", among: phones, what: "phone")
            for (index, device) in owner.devices.enumerated() {
                try require(device.rules?.phone, "devices[\(index)].rules.phone", among: phones, what: "phone")
            }
            for (index, fence) in owner.fences.enumerated() {
                try require(fence.device, "fences[\(index)].device", among: own)
            }
            for (index, window) in owner.dnd?.windows.enumerated().map({ $0 }) ?? [] {
                try require(window.device, "dnd.windows[\(index)].device", among: own)
            }
            try require(owner.dnd?.snooze?.device, "dnd.snooze.device", among: own)
        }
        for (index, alert) in scenario.expect.alerts.enumerated() where !seen.contains(alert.device) {
            throw ScenarioError(
                file: file,
                field: "expect.alerts[\(index)].device",
                problem: "no device named '\(alert.device)'"
            )
        }
        var variants: Set<String> = []
        for (index, variant) in scenario.variants.enumerated() {
            guard variants.insert(variant.name).inserted else {
                throw ScenarioError(
                    file: file,
                    field: "variants[\(index)].name",
                    problem: "'\(variant.name)' is used twice"
                )
            }
            if let name = variant.devices.keys.sorted().first(where: { !seen.contains($0) }) {
                throw ScenarioError(
                    file: file,
                    field: "variants[\(index)].devices",
                    problem: "no device named '\(name)'"
                )
            }
            for (alert, expected) in (variant.expect?.alerts ?? []).enumerated() where !seen.contains(expected.device) {
                throw ScenarioError(
                    file: file,
                    field: "variants[\(index)].expect.alerts[\(alert)].device",
                    problem: "no device named '\(expected.device)'"
                )
            }
        }
        try self.checkRegions(scenario, file: file)
        try self.checkBackups(scenario, file: file)
    }
}
