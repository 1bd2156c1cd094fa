import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// How alerts reach the owner: the live stream, repeats until acknowledged, silence, the webhook.
@Suite struct AlertDeliveryTests {
    @Test func theStreamPushesAlertsAndEndsAsTheyHappen() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            let reader = AlertStreamReader()
            try await reader.open(server, token: household.user.accessToken)
            try await server.walkAway(household)
            let back = alertEpoch + 400_000
            try await server.send([Wire.fix(back)], as: household.phone)
            try await server.send([Wire.fix(back)], as: household.tracker)
            try await eventually { await reader.events.count >= 2 }
            let events = await reader.events
            try #require(events.count >= 2)
            let alert = try #require(try await household.alerts().first)
            #expect(events.map(\.event) == ["alert", "ended"])
            #expect(events.map(\.id) == [alert.id, alert.id])
            let pushed = try JSONSerialization.jsonObject(with: Data(events[0].data.utf8)) as? [String: Any]
            #expect(pushed?["kind"] as? String == "anti_lost")
            #expect(pushed?["device_id"] as? String == household.tracker.id)
            #expect(pushed?["suppressed"] as? Bool == false)
            await reader.close()
        }
    }

    @Test func aStreamSeesOnlyItsOwnAccount() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let ada = try await server.household("ada@example.org")
            let bob = try await server.household("bob@example.org")
            let reader = AlertStreamReader()
            try await reader.open(server, token: bob.user.accessToken)
            try await server.walkAway(ada)
            // Whatever Ada's walk could still publish is published before Bob's SOS, and the
            // stream keeps that order: an event of Ada's would arrive before the SOS.
            try await server.jobs.drain(.alertTicker)
            try await server.send([Wire.sos(alertEpoch + 500_000)], as: bob.tracker)
            try await eventually { await reader.events.count >= 1 }
            let events = await reader.events
            #expect(events.count == 1)
            #expect(events.first?.data.contains("\"kind\":\"sos\"") == true)
            await reader.close()
        }
    }

    @Test func aLostDeviceRepeatsUntilAcknowledged() async throws {
        // The ticker runs only when stepped: each repeat below is the one tick's doing.
        var config = ServerConfig.alerting
        config.jobClock = SteppedClock()
        try await TestServer.withRunning(config: config) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(body: .json(.init(repeatIntervalS: 60))).ok
            let times = try await server.walkAway(household)
            let alert = try #require(try await household.alerts().first)
            #expect(alert.repeatCount == 0)
            // The walk went on for minutes past the alert: the first tick repeats it once, and a
            // second tick at the same event time finds nothing due.
            try await server.jobs.runOnce(.alertTicker)
            #expect(try await household.alerts().first?.repeatCount == 1)
            try await server.jobs.runOnce(.alertTicker)
            #expect(try await household.alerts().first?.repeatCount == 1)
            // Event time moves on two minutes: one more repeat, same alert id.
            try await server.send([Wire.fix(times.last! + 120_000)], as: household.tracker)
            try await server.jobs.runOnce(.alertTicker)
            #expect(try await household.alerts().map(\.id) == [alert.id])
            #expect(try await household.alerts().first?.repeatCount == 2)

            let acknowledged = try await household.client.acknowledgeAlert(path: .init(alertId: alert.id)).ok.body.json
            #expect(acknowledged.acknowledgedAt != nil)
            try await server.send([Wire.fix(times.last! + 600_000)], as: household.tracker)
            try await server.jobs.runOnce(.alertTicker)
            #expect(try await household.alerts().first?.repeatCount == 2)
        }
    }

    @Test func aSilentDeviceIsReportedWithItsLastKnownPlace() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(
                body: .json(.init(deviceId: household.tracker.id, silentAfterS: 600))
            )
            .ok
            try await server.send([Wire.fix(alertEpoch)], as: household.tracker)
            // Only the phone reports on: event time reaches 11 minutes.
            for minute in Int64(1)...11 {
                try await server.send([Wire.fix(alertEpoch + minute * 60_000)], as: household.phone)
            }
            try await eventually { try await household.alerts().contains { $0.kind == .silent } }
            let silent = try #require(try await household.alerts().first { $0.kind == .silent })
            #expect(silent.deviceId == household.tracker.id)
            #expect(silent.reason.contains("last seen"))
            #expect(silent.fixes.first?.ts.milliseconds == alertEpoch)
            // Hearing from it again ends the episode.
            try await server.send([Wire.fix(alertEpoch + 12 * 60_000)], as: household.tracker)
            #expect(try await household.alerts().first { $0.kind == .silent }?.endedAt != nil)
        }
    }

    @Test func concurrentUploadsOfOneTrackStoreOneAlert() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            let phoneFixes = (0..<20).map { Wire.fix(alertEpoch + Int64($0) * 15_000, east: Double($0) * 10) }
            let trackerFixes = (0..<20).map { Wire.fix(alertEpoch + Int64($0) * 15_000) }
            try await server.send(trackerFixes, as: household.tracker)
            // The same phone track, in shuffled halves, from four senders at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    let shuffled = phoneFixes.shuffled()
                    for half in [Array(shuffled[..<10]), Array(shuffled[10...])] {
                        let body = Wire.body(half)
                        group.addTask {
                            _ = try await server.postTelemetry(body, credential: household.phone.credential).report()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let alerts = try await household.alerts()
            #expect(alerts.filter { $0.kind == .antiLost }.count == 1, "\(alerts)")
        }
    }

    @Test func theWebhookGetsEachAlertOnceSignedAndRetried() async throws {
        try await WebhookReceiver.withRunning(answering: [500, 503, 200]) { receiver, url in
            try await TestServer.withRunning(config: .alerting) { server in
                let household = try await server.household()
                let webhook = try await household.client.setWebhook(body: .json(.init(url: url.absoluteString))).ok.body
                    .json
                let secret = try #require(webhook.secret)
                #expect(secret.hasPrefix("whsec_"))
                // Shown once: reading it back hides the secret.
                #expect(try await household.client.getWebhook().ok.body.json.secret == nil)

                try await server.walkAway(household)
                try await eventually { await receiver.posts.count >= 3 }
                // Anything else due is attempted now: a fourth post would be seen below.
                try await server.jobs.drain(.alertTicker, .webhookDeliverer)
                let posts = await receiver.posts
                let alert = try #require(try await household.alerts().first)
                try #require(posts.count == 3, "\(posts.map(\.answered))")
                #expect(posts.map(\.answered) == [500, 503, 200])
                #expect(posts.allSatisfy { $0.alertID == alert.id })
                let now = Int64(Date().timeIntervalSince1970)
                for post in posts {
                    #expect(WebhookSigner.verify(header: post.signature, body: post.body, secret: secret, now: now))
                    #expect(
                        !WebhookSigner.verify(
                            header: post.signature,
                            body: post.body + Data("x".utf8),
                            secret: secret,
                            now: now
                        )
                    )
                }
                let body = try JSONSerialization.jsonObject(with: posts[2].body) as? [String: Any]
                #expect(body?["event"] as? String == "alert")
                #expect((body?["alert"] as? [String: Any])?["id"] as? String == alert.id)
            }
        }
    }

    @Test func suppressedAlertsAreNotPostedToTheWebhook() async throws {
        try await WebhookReceiver.withRunning(answering: [200]) { receiver, url in
            try await TestServer.withRunning(config: .alerting) { server in
                let household = try await server.household()
                _ = try await household.client.setWebhook(body: .json(.init(url: url.absoluteString))).ok
                _ = try await household.client.createFence(
                    body: .json(
                        .init(
                            name: "Home",
                            role: .safe,
                            circle: .init(lat: home.latitude, lon: home.longitude, radiusM: 100)
                        )
                    )
                )
                .created
                try await server.walkAway(household)
                try await server.send([Wire.sos(alertEpoch + 500_000)], as: household.tracker)
                try await eventually { await receiver.posts.count >= 1 }
                try await server.jobs.drain(.alertTicker, .webhookDeliverer)
                let posts = await receiver.posts
                let sos = try #require(try await household.alerts().first { $0.kind == .sos })
                #expect(posts.map(\.alertID) == [sos.id])
            }
        }
    }
}

/// Suppressions are judged again while an episode is open.
@Suite struct AlertSuppressionLapseTests {
    @Test func leavingTheSafePlaceWhileLostTellsTheOwner() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            _ = try await household.client.createFence(
                body: .json(
                    .init(
                        name: "Home",
                        role: .safe,
                        circle: .init(lat: home.latitude, lon: home.longitude, radiusM: 100)
                    )
                )
            )
            .created
            let reader = AlertStreamReader()
            try await reader.open(server, token: household.user.accessToken)
            let times = try await server.walkAway(household)
            let silenced = try #require(try await household.alerts().first)
            #expect(silenced.suppressedBy?.hasPrefix("safe:") == true)

            // Someone carries the tracker out of the house, away from the owner.
            let later = times.last! + 15_000
            try await server.send([Wire.fix(later, east: 480)], as: household.phone)
            try await server.send([Wire.fix(later, latitude: home.latitude + 0.003)], as: household.tracker)
            try await eventually { try await household.alerts().first?.suppressed == false }
            let told = try #require(try await household.alerts().first)
            #expect(told.id == silenced.id)
            #expect(told.suppressedBy == nil)
            try await eventually { await reader.events.map(\.event).contains("unsuppressed") }
            #expect(await reader.events.map(\.event) == ["alert", "unsuppressed"])
            await reader.close()
        }
    }

    @Test func aPhoneThatOnlySendsFixesIsNotSilent() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(body: .json(.init(silentAfterS: 600))).ok
            for minute in Int64(0)...15 {
                try await server.send([Wire.fix(alertEpoch + minute * 60_000)], as: household.phone)
                try await server.send([Wire.fix(alertEpoch + minute * 60_000)], as: household.tracker)
            }
            try await server.jobs.drain(.alertTicker)
            #expect(try await household.alerts().isEmpty)
        }
    }

    @Test func aSnoozedAlertDoesNotRepeat() async throws {
        try await TestServer.withRunning(config: .alerting) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(body: .json(.init(repeatIntervalS: 60))).ok
            let now = Date().milliseconds
            let times = try await server.walkAway(household, from: now - 600_000, walk: 90)
            let alert = try #require(try await household.alerts().first)
            #expect(alert.suppressed == false)
            _ = try await household.client.setDoNotDisturb(body: .json(.init(snoozeForS: 3_600))).ok
            let repeats = try #require(try await household.alerts().first).repeatCount
            try await server.send([Wire.fix(times.last! + 300_000)], as: household.tracker)
            try await server.jobs.drain(.alertTicker)
            #expect(try await household.alerts().first?.repeatCount == repeats)
        }
    }
}
