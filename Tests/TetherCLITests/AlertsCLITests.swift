import Foundation
import Testing
import TetherCore
import TetherTesting

/// An anti-lost alert end to end through real processes: a phone walks away from a tracker,
/// `alerts watch` (already running) prints the alert as it is decided, `alerts list` shows it
/// once, `alerts why` explains it and `alerts ack` acknowledges it.
@Suite("tether alerts")
struct AlertsCLITests {
    /// Every key `alerts list --json` always prints (CLI.md and more).
    static let alertKeys: Set<String> = [
        "id", "kind", "device_id", "ts", "reason", "suppressed", "suppressed_by", "rule", "repeat_count", "ended_at",
        "acknowledged_at",
    ]

    @Test(.timeLimit(.minutes(3)))
    func phoneWalkingAwayRaisesOneAntiLostAlertWatchedListedExplainedAcknowledged() async throws {
        try await AlertsCLIServer.withRegistered("walker@example.org") { cli, serverURL in
            let phone = try await cli.pairDevice(kind: "phone", serial: "WALK-PHONE")
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "WALK-TAG")

            let watch = try cli.runner.start(["alerts", "watch", "--json", "--count", "1", "--timeout", "90s"])
            try await Poll.until("the watcher listens") { watch.standardError().contains("Watching alerts") }

            let start = try await Self.walkAway(phone: phone.credential, from: tracker.credential, serverURL: serverURL)

            let watched = try await watch.wait()
            #expect(watched.status == 0, "\(watched.stderr)")
            let lines = watched.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any]
            )
            #expect(event["event"] as? String == "alert")
            #expect(Self.alertKeys.isSubset(of: event.keys))

            let alerts = try #require(try await cli.json("alerts", "list") as? [[String: Any]])
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(Self.alertKeys.isSubset(of: alert.keys))
            #expect(alert["kind"] as? String == "anti_lost")
            #expect(alert["device_id"] as? String == tracker.id)
            #expect(alert["suppressed"] as? Bool == false)
            #expect(alert["suppressed_by"] is NSNull)
            #expect(alert["acknowledged_at"] is NSNull)
            #expect((alert["reason"] as? String)?.contains("m from the owner's phone") == true)
            let id = try #require(alert["id"] as? String)
            #expect(event["id"] as? String == id)
            let decidedAt = try #require((alert["ts"] as? String).flatMap { try? Date($0, strategy: .iso8601) })
            #expect(decidedAt.milliseconds > start && decidedAt.milliseconds <= start + 181_000)
            #expect((try await cli.json("alerts", "list", "--device", phone.id) as? [Any])?.isEmpty == true)

            let why = try await cli.run("alerts", "why", id)
            #expect(why.status == 0, "\(why.stderr)")
            #expect(why.stdout.contains("anti_lost") && why.stdout.contains("You were told"))
            #expect(why.stdout.contains("±5 m"))
            let explained = try #require(try await cli.json("alerts", "why", id) as? [String: Any])
            #expect((explained["explanation"] as? String)?.isEmpty == false)
            let fixes = try #require(explained["fixes"] as? [[String: Any]])
            #expect(fixes.compactMap { $0["source"] as? String }.sorted() == ["device", "phone"])

            let acknowledged = try #require(try await cli.json("alerts", "ack", id) as? [String: Any])
            #expect(acknowledged["acknowledged_at"] is String)
            let listed = try #require((try await cli.json("alerts", "list") as? [[String: Any]])?.first)
            #expect(listed["acknowledged_at"] as? String == acknowledged["acknowledged_at"] as? String)
            let table = try await cli.run("alerts", "list")
            #expect(table.stdout.contains("acknowledged"))

            let missing = try await cli.run("alerts", "why", "no-such-alert")
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("not_found"))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aSnoozedAlertIsStoredSuppressedAndExplained() async throws {
        try await AlertsCLIServer.withRegistered("snoozer@example.org") { cli, serverURL in
            let phone = try await cli.pairDevice(kind: "phone", serial: "SNOOZE-PHONE")
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "SNOOZE-TAG")
            #expect(try await cli.run("dnd", "snooze", "1h").status == 0)
            let watch = try cli.runner.start(["alerts", "watch", "--count", "1", "--timeout", "90s"])
            try await Poll.until("the watcher listens") { watch.standardError().contains("Watching alerts") }

            try await Self.walkAway(phone: phone.credential, from: tracker.credential, serverURL: serverURL)

            // Suppressed alerts are streamed too; the text line says what silenced it.
            let watched = try await watch.wait()
            #expect(watched.status == 0, "\(watched.stderr)")
            #expect(watched.stdout.contains("ALERT") && watched.stdout.contains("suppressed (snooze)"))
            let alerts = try #require(try await cli.json("alerts", "list", "--device", tracker.id) as? [[String: Any]])
            #expect(alerts.count == 1)
            let alert = try #require(alerts.first)
            #expect(alert["suppressed"] as? Bool == true)
            #expect(alert["suppressed_by"] as? String == "snooze")
            let why = try await cli.run("alerts", "why", try #require(alert["id"] as? String))
            #expect(why.stdout.contains("Not told") && why.stdout.contains("snooze"))
        }
    }

    @Test func watchTimesOutWhenTooFewAlertsArrive() async throws {
        try await AlertsCLIServer.withRegistered("quiet@example.org") { cli, _ in
            // It gives up by itself (the test's own time limit would end a watch that never did).
            let result = try await cli.run("alerts", "watch", "--json", "--count", "1", "--timeout", "2s")
            #expect(result.status == 1)
            #expect(result.stderr.contains("timed out"))
            #expect(result.stdout.isEmpty)
            let badCount = try await cli.run("alerts", "watch", "--count", "0")
            #expect(badCount.status == 64)
        }
    }

    /// The tracker stays put; the phone walks 200 m east over three minutes of device time
    /// ending a few minutes ago, both reporting every 15 s with 5 m accuracy. Returns the device
    /// time of the first fix.
    @discardableResult
    static func walkAway(phone: String, from tracker: String, serverURL: URL) async throws -> Int64 {
        let (lat, lon) = (52.52, 13.405)
        let start = Date().milliseconds - 300_000
        for step in 0...12 {
            let ts = start + Int64(step) * 15_000
            let east = DeviceTelemetry.longitude(lon, plusMetresEast: Double(step) * 200 / 12, atLatitude: lat)
            try await DeviceTelemetry.postFix(serverURL: serverURL, credential: tracker, ts: ts, lat: lat, lon: lon)
            try await DeviceTelemetry.postFix(
                serverURL: serverURL,
                credential: phone,
                ts: ts + 1_000,
                lat: lat,
                lon: east
            )
        }
        return start
    }
}
