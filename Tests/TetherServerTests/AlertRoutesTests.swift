import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Anti-lost alerts end to end: telemetry in over HTTP, alerts out of `GET /v1/alerts`.
@Suite struct AlertRoutesTests {
    @Test func walkingAwayGivesExactlyOneAlertWithinTheDwellTime() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            let times = try await server.walkAway(household)
            let alerts = try await household.alerts()
            try #require(alerts.count == 1, "\(alerts)")
            let alert = alerts[0]
            #expect(alert.kind == .antiLost)
            #expect(alert.deviceId == household.tracker.id)
            #expect(alert.suppressed == false)
            #expect(alert.suppressedBy == nil)
            #expect(alert.endedAt == nil)
            // Decided by one of the fixes, within the dwell time (60 s) of the walk's start.
            let decided = alert.ts.milliseconds
            #expect(times.contains(decided))
            #expect(decided > alertEpoch + 60_000 && decided <= alertEpoch + 60_000 + 90_000)
            #expect(Set(alert.fixes.map(\.source)) == ["device", "phone"])
            #expect(alert.fixes.allSatisfy { $0.accuracyM == 5 })

            // Resending every batch changes nothing: the events are duplicates.
            try await server.walkAway(household)
            #expect(try await household.alerts().count == 1)

            let why = try await household.client.getAlert(path: .init(alertId: alert.id)).ok.body.json
            #expect(why.explanation?.contains("m from the owner's phone") == true)
            #expect(why.explanation?.hasSuffix("You were told.") == true)
        }
    }

    @Test func theOwnerComingBackEndsTheEpisode() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            try await server.walkAway(household)
            let back = alertEpoch + 400_000
            try await server.comeBack(household, at: back)
            let alerts = try await household.alerts()
            try #require(alerts.count == 1)
            #expect(alerts[0].endedAt?.milliseconds == back)
        }
    }

    @Test func jitterAtTheThresholdGivesNoAlert() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            // 30 m ± 8 m with 5 m accuracy on both: never clearly beyond 30 + 10 m.
            for step in Int64(0)..<40 {
                let time = alertEpoch + step * 15_000
                let east = 30 + (step.isMultiple(of: 2) ? 8.0 : -8.0)
                try await server.send([Wire.fix(time)], as: household.tracker)
                try await server.send([Wire.fix(time, east: east)], as: household.phone)
            }
            #expect(try await household.alerts().isEmpty)
        }
    }

    @Test func separationInsideASafePlaceIsRecordedAsSuppressed() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            let fence = try await household.client.createFence(
                body: .json(
                    .init(
                        name: "Home",
                        role: .safe,
                        circle: .init(lat: home.latitude, lon: home.longitude, radiusM: 100)
                    )
                )
            )
            .created.body.json
            try await server.walkAway(household)
            let alerts = try await household.alerts()
            try #require(alerts.count == 1)
            #expect(alerts[0].suppressed)
            #expect(alerts[0].suppressedBy == "safe:\(fence.id)")
            let why = try await household.client.getAlert(path: .init(alertId: alerts[0].id)).ok.body.json
            #expect(why.explanation?.contains("inside the safe place 'Home'") == true)
        }
    }

    @Test func aKeepInFenceAddedWhileOutsideAlertsAtOnce() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            try await server.send([Wire.fix(alertEpoch)], as: household.tracker)
            // A park 2 km north: the tracker is outside it now.
            let fence = try await household.client.createFence(
                body: .json(
                    .init(
                        name: "Park",
                        role: .keepIn,
                        deviceId: household.tracker.id,
                        circle: .init(lat: home.latitude + 0.018, lon: home.longitude, radiusM: 200)
                    )
                )
            )
            .created.body.json
            let alerts = try await household.alerts()
            try #require(alerts.count == 1)
            #expect(alerts[0].kind == .keepIn)
            #expect(alerts[0].rule == "keep_in:\(fence.id)")
            #expect(alerts[0].ts.milliseconds == alertEpoch)
            #expect(alerts[0].reason == "outside Park")
        }
    }

    @Test func enteringAKeepOutFenceAlerts() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            let square = [[13.40, 52.53], [13.41, 52.53], [13.41, 52.54], [13.40, 52.54], [13.40, 52.53]]
            let geojson = try JSONDecoder().decode(
                Components.Schemas.FenceRequest.GeojsonPayload.self,
                from: JSONSerialization.data(withJSONObject: ["type": "Polygon", "coordinates": [square]])
            )
            _ = try await household.client.createFence(
                body: .json(.init(name: "Yard", role: .keepOut, geojson: geojson))
            )
            .created
            try await server.send([Wire.fix(alertEpoch)], as: household.tracker)
            #expect(try await household.alerts().isEmpty)
            try await server.send(
                [Wire.fix(alertEpoch + 60_000, latitude: 52.535, longitude: 13.405)],
                as: household.tracker
            )
            let alerts = try await household.alerts()
            try #require(alerts.count == 1)
            #expect(alerts[0].kind == .keepOut)
            #expect(alerts[0].reason == "inside Yard")
        }
    }

    @Test func doNotDisturbSilencesAntiLostButNeverAnEmergency() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            _ = try await household.client.setEmergencyContact(
                body: .json(.init(name: "Grace", phone: "+49 30 1234567"))
            )
            // 00:00 UTC on 2026-01-10 is 01:00 in Berlin: inside 22:00–07:00.
            let window = try await household.client.createQuietWindow(
                body: .json(.init(days: "daily", from: "22:00", to: "07:00", tz: "Europe/Berlin"))
            )
            .created.body.json
            try await server.walkAway(household)
            try await server.send([Wire.sos(alertEpoch + 400_000)], as: household.tracker)

            let alerts = try await household.alerts()
            let antiLost = try #require(alerts.first { $0.kind == .antiLost })
            #expect(antiLost.suppressedBy == "dnd:\(window.id)")
            let sos = try #require(alerts.first { $0.kind == .sos })
            #expect(sos.suppressed == false)
            let why = try await household.client.getAlert(path: .init(alertId: sos.id)).ok.body.json
            #expect(why.emergencyContact?.name == "Grace")
            let silenced = try await household.client.getAlert(path: .init(alertId: antiLost.id)).ok.body.json
            #expect(
                silenced.explanation?.contains("do-not-disturb window \(window.id) (daily 22:00–07:00 Europe/Berlin)")
                    == true
            )
        }
    }

    @Test func doNotDisturbOffOrForAnotherDeviceSilencesNothing() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            // A window for the phone only does not silence the tracker.
            _ = try await household.client.createQuietWindow(
                body: .json(
                    .init(days: "daily", from: "22:00", to: "07:00", tz: "Europe/Berlin", deviceId: household.phone.id)
                )
            )
            .created
            try await server.walkAway(household)
            let back = alertEpoch + 400_000
            try await server.comeBack(household, at: back)
            // An account-wide window does, unless do-not-disturb is off.
            _ = try await household.client.createQuietWindow(
                body: .json(.init(days: "daily", from: "22:00", to: "07:00", tz: "Europe/Berlin"))
            )
            .created
            let off = try await household.client.setDoNotDisturb(body: .json(.init(enabled: false))).ok.body.json
            #expect(off.enabled == false)
            try await server.walkAway(household, from: alertEpoch + 3_600_000)
            let alerts = try await household.alerts()
            try #require(alerts.count == 2)
            #expect(alerts.allSatisfy { !$0.suppressed })
        }
    }

    @Test func aSnoozeSilencesUntilItEnds() async throws {
        try await TestServer.withRunning(config: .alerting, connection: .inProcess) { server in
            let household = try await server.household()
            _ = try await household.client.setDoNotDisturb(body: .json(.init(snoozeForS: 3_600))).ok
            let now = Date().milliseconds
            // Within the snooze: silenced.
            try await server.walkAway(household, from: now - 600_000)
            let back = now
            try await server.comeBack(household, at: back)
            // Two hours later the snooze has run out: told.
            try await server.walkAway(household, from: now + 7_200_000)
            let alerts = try await household.alerts()
            try #require(alerts.count == 2, "\(alerts)")
            #expect(alerts[1].suppressedBy == "snooze")
            #expect(alerts[1].endedAt != nil)
            #expect(alerts[0].suppressedBy == nil)
        }
    }
}
