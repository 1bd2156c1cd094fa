import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Rules, fences, do-not-disturb, contact and webhook over HTTP: values kept, bad input refused
/// naming its field with nothing changed, other accounts' ids unknown, export and delete.
@Suite struct AlertSettingsRoutesTests {
    @Test func ruleValuesAreKeptPerScopeAndFilledIn() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(body: .json(.init(allowedDistanceM: 50, dwellS: 30))).ok
            let own = try await household.client.setAlertRules(
                body: .json(.init(deviceId: household.tracker.id, allowedDistanceM: 10, phoneId: household.phone.id))
            )
            .ok.body.json
            #expect(own.allowedDistanceM == 10)
            #expect(own.dwellS == nil)
            let overview = try await household.client.listAlertRules().ok.body.json
            #expect(overview.account.allowedDistanceM == 50)
            #expect(overview.devices.map(\.deviceId) == [household.tracker.id])
            let tracker = try #require(overview.effective?.first { $0.deviceId == household.tracker.id })
            #expect(tracker.allowedDistanceM == 10)
            #expect(tracker.dwellS == 30)
            #expect(tracker.lowBatteryPct == 15)
            #expect(tracker.phoneId == household.phone.id)

            let cleared = try await household.client.clearDeviceAlertRules(query: .init(deviceId: household.tracker.id))
                .ok.body.json
            #expect(cleared.allowedDistanceM == 50)
            #expect(try await household.client.listAlertRules().ok.body.json.devices.isEmpty)
        }
    }

    @Test(arguments: [
        (Components.Schemas.RuleSettings(allowedDistanceM: -5), "allowed_distance_m"),
        (Components.Schemas.RuleSettings(allowedDistanceM: 0.5), "allowed_distance_m"),
        (Components.Schemas.RuleSettings(dwellS: 7_200), "dwell_s"),
        (Components.Schemas.RuleSettings(lowBatteryPct: 101), "low_battery_pct"),
        (Components.Schemas.RuleSettings(silentAfterS: 10), "silent_after_s"),
        (Components.Schemas.RuleSettings(repeatIntervalS: 5), "repeat_interval_s"),
    ])
    func badRuleValuesAreRefusedNamingTheField(rules: Components.Schemas.RuleSettings, field: String) async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            await expectProblem(400, "invalid_field", field: field) {
                try await household.client.setAlertRules(body: .json(rules)).ok
            }
            let overview = try await household.client.listAlertRules().ok.body.json
            #expect(overview.account == .init())
        }
    }

    @Test func badFencesAndWindowsAreRefusedNamingTheField() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            let client = household.client
            await expectProblem(400, "invalid_field", field: "circle.radius_m") {
                try await client.createFence(
                    body: .json(.init(name: "Home", role: .safe, circle: .init(lat: 52, lon: 13, radiusM: 0)))
                )
                .created
            }
            await expectProblem(400, "invalid_field", field: "circle") {
                try await client.createFence(
                    body: .json(.init(name: "Home", role: .safe, circle: .init(lat: 95, lon: 13, radiusM: 10)))
                )
                .created
            }
            await expectProblem(400, "invalid_field", field: "circle") {
                try await client.createFence(body: .json(.init(name: "Home", role: .safe))).created
            }
            let open = try JSONDecoder().decode(
                Components.Schemas.FenceRequest.GeojsonPayload.self,
                from: Data(#"{"type": "Polygon", "coordinates": [[[13, 52], [14, 52], [14, 53], [13, 53]]]}"#.utf8)
            )
            await expectProblem(400, "invalid_field", field: "geojson.coordinates[0]") {
                try await client.createFence(body: .json(.init(name: "Park", role: .keepIn, geojson: open))).created
            }
            await expectProblem(400, "invalid_field", field: "tz") {
                try await client.createQuietWindow(
                    body: .json(.init(days: "mon-fri", from: "22:00", to: "07:00", tz: "Mars/Olympus"))
                )
                .created
            }
            await expectProblem(400, "invalid_field", field: "from") {
                try await client.createQuietWindow(
                    body: .json(.init(days: "mon-fri", from: "25:00", to: "07:00", tz: "UTC"))
                )
                .created
            }
            await expectProblem(400, "invalid_field", field: "days") {
                try await client.createQuietWindow(
                    body: .json(.init(days: "someday", from: "22:00", to: "07:00", tz: "UTC"))
                )
                .created
            }
            await expectProblem(400, "invalid_field", field: "snooze_for_s") {
                try await client.setDoNotDisturb(body: .json(.init(snoozeForS: 0))).ok
            }
            await expectProblem(400, "invalid_field", field: "phone") {
                try await client.setEmergencyContact(body: .json(.init(name: "Grace", phone: "call me"))).ok
            }
            await expectProblem(400, "invalid_field", field: "url") {
                try await client.setWebhook(body: .json(.init(url: "ftp://example.org/hook"))).ok
            }
            await expectProblem(400, "invalid_field", field: "phone_id") {
                try await client.setAlertRules(body: .json(.init(phoneId: household.tracker.id))).ok
            }
            // Nothing was stored.
            #expect(try await client.listFences(query: .init()).ok.body.json.isEmpty)
            #expect(try await client.getDoNotDisturb(query: .init()).ok.body.json.windows.isEmpty)
            #expect(try await client.getDoNotDisturb(query: .init()).ok.body.json.snoozedUntil == nil)
            await expectProblem(404, "not_found") { try await client.getEmergencyContact().ok }
            await expectProblem(404, "not_found") { try await client.getWebhook().ok }
        }
    }

    @Test(arguments: [
        "https://127.0.0.1:8080/hook", "https://localhost/hook", "https://10.1.2.3/hook", "https://192.168.1.20/hook",
        "https://[::1]/hook", "https://169.254.169.254/latest", "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        // Loopback as a check of the URL's text missed it: the host is resolved now.
        "http://127.1:8080/hook", "https://127.1/hook", "https://2130706433/hook", "https://0x7f.0.0.1/hook",
        "https://0177.0.0.1/hook", "https://[::ffff:127.0.0.1]/hook", "https://[64:ff9b::7f00:1]/hook",
        // Plain http, to a public address; a host that does not resolve.
        "http://1.1.1.1/hook", "https://hooks.example.invalid/hook",
    ])
    func webhooksToThisMachineOrItsNetworkAreRefusedByDefault(url: String) async throws {
        try await TestServer.withRunning(config: .testing, connection: .inProcess) { server in
            let user = try await server.register()
            await expectProblem(400, "invalid_field", field: "url") {
                try await user.client.setWebhook(body: .json(.init(url: url))).ok
            }
            await expectProblem(404, "not_found") { try await user.client.getWebhook().ok }
            // A public address (the tests resolve no names: there may be no DNS).
            let accepted = try await user.client.setWebhook(body: .json(.init(url: "https://1.1.1.1/hook"))).ok
            #expect(try accepted.body.json.url == "https://1.1.1.1/hook")
        }
    }

    @Test func anotherAccountsIdsAreUnknown() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let ada = try await server.household("ada@example.org")
            let bob = try await server.household("bob@example.org")
            let fence = try await ada.client.createFence(
                body: .json(.init(name: "Home", role: .safe, circle: .init(lat: 52, lon: 13, radiusM: 50)))
            )
            .created.body.json
            let window = try await ada.client.createQuietWindow(
                body: .json(.init(days: "daily", from: "22:00", to: "07:00", tz: "UTC"))
            )
            .created.body.json
            try await server.send([Wire.sos(alertEpoch)], as: ada.tracker)
            let alert = try #require(try await ada.alerts().first)

            await expectProblem(404, "not_found", field: "device_id") {
                try await bob.client.setAlertRules(body: .json(.init(deviceId: ada.tracker.id, allowedDistanceM: 10)))
                    .ok
            }
            await expectProblem(404, "not_found", field: "fenceId") {
                try await bob.client.removeFence(path: .init(fenceId: fence.id)).ok
            }
            await expectProblem(404, "not_found", field: "windowId") {
                try await bob.client.removeQuietWindow(path: .init(windowId: window.id)).ok
            }
            await expectProblem(404, "not_found", field: "alertId") {
                try await bob.client.getAlert(path: .init(alertId: alert.id)).ok
            }
            await expectProblem(404, "not_found", field: "alertId") {
                try await bob.client.acknowledgeAlert(path: .init(alertId: alert.id)).ok
            }
            await expectProblem(404, "not_found", field: "device_id") {
                try await bob.client.listAlerts(query: .init(deviceId: ada.tracker.id)).ok
            }
            #expect(try await bob.client.listFences(query: .init()).ok.body.json.isEmpty)
            #expect(try await bob.alerts().isEmpty)
        }
    }

    @Test func settingsAndAlertsAreExportedAndDeletedWithTheAccount() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            let client = household.client
            _ = try await client.setAlertRules(body: .json(.init(allowedDistanceM: 40))).ok
            _ = try await client.createFence(
                body: .json(.init(name: "Home", role: .safe, circle: .init(lat: 52, lon: 13, radiusM: 50)))
            )
            .created
            _ = try await client.createQuietWindow(
                body: .json(
                    .init(
                        days: "sat,sun",
                        from: "08:00",
                        to: "10:00",
                        tz: "Europe/Berlin",
                        deviceId: household.tracker.id
                    )
                )
            )
            .created
            _ = try await client.setEmergencyContact(body: .json(.init(name: "Grace", phone: "+1 555 0100"))).ok
            _ = try await client.setWebhook(body: .json(.init(url: "http://127.0.0.1:9/hook"))).ok
            try await server.send([Wire.sos(alertEpoch)], as: household.tracker)

            let export = try await client.exportAccount().ok.body.json
            #expect(export.alerts?.map(\.kind) == [.sos])
            #expect(export.rules?.account.allowedDistanceM == 40)
            #expect(export.fences?.map(\.name) == ["Home"])
            #expect(export.dnd?.map(\.deviceId) == [nil, household.tracker.id])
            #expect(export.dnd?.last?.windows.first?.days == ["sat", "sun"])
            #expect(export.emergencyContact?.name == "Grace")
            #expect(export.webhook?.url == "http://127.0.0.1:9/hook")
            #expect(export.webhook?.secret == nil)

            _ = try await client.deleteAccount().ok
            let again = try await server.household()
            #expect(try await again.alerts().isEmpty)
            #expect(try await again.client.listFences(query: .init()).ok.body.json.isEmpty)
            #expect(try await again.client.listAlertRules().ok.body.json.account == .init())
        }
    }
}
