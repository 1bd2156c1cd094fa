import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherClient
import TetherGeo

/// Applies an owner's alert settings through the API, as `tether rules`, `fences`, `dnd` and
/// `account emergency-contact` do.
struct SettingsApplier: Sendable {
    let serverURL: URL

    /// Applies everything `owner.spec` sets; returns the fence ids by name (for `safe:<name>`
    /// in expectations) and one line saying what was set.
    /// A snooze is sent as an instant after `start`, the scenario's start: the server judges it
    /// against event time.
    func apply(_ owner: ProvisionedOwner, start: Date) async throws -> (fences: [String: String], summary: String) {
        let spec = owner.spec
        let client = owner.client
        var applied: [String] = []
        let step = APIStep(serverURL: self.serverURL)
        func id(_ name: String?) -> String? { name.flatMap { owner.devices[$0]?.id } }

        var scopes: [(device: String?, values: RuleValues)] = spec.rules.map { [(nil, $0)] } ?? []
        scopes += spec.devices.compactMap { device in device.rules.map { (device.name, $0) } }
        for (device, values) in scopes {
            _ = try await step("setting rules\(device.map { " of \($0)" } ?? "")") {
                try await client.setAlertRules(
                    body: .json(
                        .init(
                            deviceId: id(device),
                            allowedDistanceM: values.distance,
                            dwellS: values.dwellSeconds,
                            lowBatteryPct: values.lowBattery,
                            silentAfterS: values.silentAfterSeconds,
                            repeatIntervalS: values.repeatSeconds,
                            phoneId: id(values.phone)
                        )
                    )
                )
                .ok
            }
        }
        if !scopes.isEmpty { applied.append("rules for \(scopes.count) scope(s)") }

        var fences: [String: String] = [:]
        for fence in spec.fences {
            let request = try Self.request(fence, device: id(fence.device))
            fences[fence.name] = try await step("adding fence \(fence.name)") {
                try await client.createFence(body: .json(request)).created.body.json.id
            }
        }
        if !fences.isEmpty { applied.append("\(fences.count) fence(s)") }

        if let dnd = spec.dnd {
            for window in dnd.windows {
                _ = try await step("adding do-not-disturb \(window.days) \(window.from)-\(window.to)") {
                    try await client.createQuietWindow(
                        body: .json(
                            .init(
                                days: window.days,
                                from: window.from,
                                to: window.to,
                                tz: window.tz,
                                deviceId: id(window.device)
                            )
                        )
                    )
                    .created
                }
            }
            if !dnd.windows.isEmpty { applied.append("\(dnd.windows.count) quiet window(s)") }
            if let enabled = dnd.enabled {
                _ = try await step("turning do-not-disturb \(enabled ? "on" : "off")") {
                    try await client.setDoNotDisturb(body: .json(.init(enabled: enabled))).ok
                }
                applied.append("do-not-disturb \(enabled ? "on" : "off")")
            }
            if let snooze = dnd.snooze {
                _ = try await step("snoozing for \(snooze.seconds) s") {
                    try await client.setDoNotDisturb(
                        body: .json(
                            .init(
                                deviceId: id(snooze.device),
                                snoozeUntil: start.addingTimeInterval(Double(snooze.seconds))
                            )
                        )
                    )
                    .ok
                }
                applied.append("snooze \(snooze.seconds) s")
            }
        }
        if let contact = spec.emergencyContact {
            _ = try await step("setting the emergency contact") {
                try await client.setEmergencyContact(body: .json(.init(name: contact.name, phone: contact.phone))).ok
            }
            applied.append("emergency contact")
        }
        return (fences, applied.isEmpty ? "default settings" : applied.joined(separator: ", "))
    }

    /// The API request for `fence`: a circle, or a GeoJSON polygon with its ring closed.
    static func request(_ fence: FenceSpec, device: String?) throws -> Components.Schemas.FenceRequest {
        switch fence.shape {
        case .circle(let center, let radius):
            return .init(
                name: fence.name,
                role: fence.role,
                deviceId: device,
                circle: .init(lat: center.latitude, lon: center.longitude, radiusM: radius)
            )
        case .polygon(let points):
            var ring = points.map { [$0.longitude, $0.latitude] }
            if ring.first != ring.last { ring.append(ring[0]) }
            let geometry = try JSONSerialization.data(withJSONObject: ["type": "Polygon", "coordinates": [ring]])
            let geojson = try JSONDecoder().decode(Components.Schemas.FenceRequest.GeojsonPayload.self, from: geometry)
            return .init(name: fence.name, role: fence.role, deviceId: device, geojson: geojson)
        }
    }
}
