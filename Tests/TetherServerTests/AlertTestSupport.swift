import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

// Helpers for the alert tests: an owner with a phone and a tracker, tracks in event time, and
// waiting for what the server decides asynchronously (repeats, silence, webhooks).

extension ServerConfig {
    /// A server for alert tests: any device time accepted, "now" is the newest event time, and
    /// checks run every 50 ms.
    static var alerting: ServerConfig {
        var config = ServerConfig.testing
        config.timestampWindow = TimestampWindow(maxPast: nil, maxFuture: nil)
        config.alertClock = .eventTime
        config.alertTickInterval = .milliseconds(50)
        config.webhookBackoffBase = .milliseconds(50)
        // The test receivers listen on loopback.
        config.webhookTargets = .any
        return config
    }
}

/// An owner with a phone and a tracker paired.
struct Household {
    let user: SignedInUser
    let phone: PairedDevice
    let tracker: PairedDevice

    var client: Client { self.user.client }
}

/// Where the tests live: Berlin, Alexanderplatz.
let home = (latitude: 52.52, longitude: 13.405)

/// 2026-01-10 00:00 UTC (01:00 in Berlin), in milliseconds.
let alertEpoch: Int64 = 1_768_003_200_000

extension TestServer {
    /// Registers `email` and pairs a phone and a tracker to it.
    func household(_ email: String = "ada@example.org") async throws -> Household {
        let user = try await self.register(email)
        let tag = email.filter { $0.isLetter || $0.isNumber }
        let phoneCode = try await self.pairingCode(for: user).code
        let phone = try await self.claim(phoneCode, serial: "PHONE-\(tag)", model: "PIXEL", kind: .phone)
        let trackerCode = try await self.pairingCode(for: user).code
        let tracker = try await self.claim(trackerCode, serial: "TAG-\(tag)", model: "TAG-1", kind: .tracker)
        return Household(
            user: user,
            phone: PairedDevice(user: user, grant: phone),
            tracker: PairedDevice(user: user, grant: tracker)
        )
    }

    /// The owner walks away from a tracker left at ``home``: both report every 15 s; the phone
    /// stays for `stay` seconds, then walks east at 2 m/s for `walk` seconds. Returns the times.
    @discardableResult
    func walkAway(
        _ household: Household,
        from start: Int64 = alertEpoch,
        stay: Int64 = 60,
        walk: Int64 = 240,
        trackerAt tracker: (latitude: Double, longitude: Double) = home
    ) async throws -> [Int64] {
        var times: [Int64] = []
        for second in stride(from: Int64(0), through: stay + walk, by: 15) {
            let time = start + second * 1_000
            let east = Double(max(0, second - stay)) * 2
            try await self.send(
                [Wire.fix(time, latitude: tracker.latitude, longitude: tracker.longitude)],
                as: household.tracker
            )
            try await self.send(
                [Wire.fix(time, latitude: home.latitude, longitude: home.longitude, east: east)],
                as: household.phone
            )
            times.append(time)
        }
        return times
    }
}

extension TestServer {
    /// The owner is back with the tracker at ``home`` from `time` on: three fixes of both, 15 s apart.
    func comeBack(_ household: Household, at time: Int64) async throws {
        for step in Int64(0)..<3 {
            try await self.send([Wire.fix(time + step * 15_000)], as: household.phone)
            try await self.send([Wire.fix(time + step * 15_000)], as: household.tracker)
        }
    }
}

extension Wire {
    /// A `location` event `east` metres east of the position, accuracy 5 m.
    static func fix(
        _ ts: Int64,
        latitude: Double = home.latitude,
        longitude: Double = home.longitude,
        east: Double = 0,
        accuracy: Double = 5
    ) -> [String: Any] {
        let degrees = east / (111_320 * cos(latitude * .pi / 180))
        return [
            "event_id": UUID().uuidString, "ts": ts, "kind": "location", "lat": latitude, "lon": longitude + degrees,
            "accuracy_m": accuracy, "source": "gnss",
        ]
    }
}

extension Household {
    /// The account's alerts, newest first.
    func alerts() async throws -> [Components.Schemas.Alert] {
        try await self.client.listAlerts(query: .init()).ok.body.json
    }
}

/// Waits up to `timeout` for `condition` to hold, checking every 50 ms; records an issue if it never does.
func eventually(
    timeout: Duration = .seconds(60),
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    do {
        try await Poll.until("the condition holds", timeout: timeout, condition)
    } catch let timedOut as Poll.Timeout {
        Issue.record("\(timedOut)", sourceLocation: sourceLocation)
    }
}
