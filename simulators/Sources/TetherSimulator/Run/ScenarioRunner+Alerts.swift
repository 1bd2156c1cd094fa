import Foundation
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherClient

// What a run receives: the alerts its owners' streams deliver, waited for, then checked against
// each owner's alert list.

extension ScenarioRunner {
    /// Waits until every expected alert has arrived and nothing more came for the settle time,
    /// or until the timeout; with an operator token, until the servers' alert ticks have run and
    /// every stream holds what its alert list shows (``waitForStreams(owners:watchers:)``).
    func waitForAlerts(
        _ expect: Expectations,
        owners: [ProvisionedOwner],
        watchers: [AlertWatcher],
        devices: [String: ProvisionedDevice],
        fences: [String: String],
        start: Date,
        since posted: ContinuousClock.Instant
    ) async throws {
        if let token = self.options.operatorToken {
            for server in Set(owners.map(\.serverURL)) {
                try await Self.runAlertTicker(at: server, operatorToken: token)
            }
            return try await self.waitForStreams(owners: owners, watchers: watchers, since: posted)
        }
        let names = Dictionary(uniqueKeysWithValues: devices.values.map { ($0.id, $0.name) })
        while true {
            var alerts: [ReceivedAlert] = []
            var last = posted
            for watcher in watchers {
                alerts += await watcher.notifications.filter { $0.event == "alert" }.map {
                    Self.received($0.alert, names: names, start: start)
                }
                if let arrival = await watcher.lastArrival { last = max(last, arrival) }
            }
            let complete = ExpectationMatcher.allArrived(expect.alerts, received: alerts, fenceIDs: fences)
            if complete, last.duration(to: .now) >= self.options.settle { return }
            if posted.duration(to: .now) >= self.options.timeout { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Runs one pass of the server's alert ticker; it answers once the pass has finished, so every
    /// repeat and lifted suppression due at the last event time is recorded and streamed.
    static func runAlertTicker(at server: URL, operatorToken: String) async throws {
        let client = TetherClientFactory.client(
            serverURL: server,
            tokens: StaticToken(operatorToken),
            transport: AsyncHTTPClientTransport()
        )
        _ = try await APIStep(serverURL: server)("running the server's alert tick") {
            try await client.runOperatorJob(path: .init(job: "alert-ticker")).ok
        }
    }

    /// Waits until each owner's stream holds every alert its list shows, with a `repeat` per
    /// repeat counted, an `ended` for each ended one and an `unsuppressed` for each streamed
    /// suppressed that is no longer; or until the timeout.
    func waitForStreams(
        owners: [ProvisionedOwner],
        watchers: [AlertWatcher],
        since posted: ContinuousClock.Instant
    ) async throws {
        for (owner, watcher) in zip(owners, watchers) {
            while true {
                let listed = try await APIStep(serverURL: owner.serverURL)("listing \(owner.spec.name)'s alerts") {
                    try await owner.client.listAlerts(query: .init(limit: 1_000)).ok.body.json
                }
                if Self.holdsEverything(listed, await watcher.notifications) { break }
                if posted.duration(to: .now) >= self.options.timeout { return }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Whether `notifications` tell everything `listed` shows.
    static func holdsEverything(
        _ listed: [Components.Schemas.Alert],
        _ notifications: [AlertWatcher.Notification]
    )
        -> Bool
    {
        listed.allSatisfy { alert in
            let events = notifications.filter { $0.alert.id == alert.id }
            guard let first = events.first(where: { $0.event == "alert" }) else { return false }
            let repeats = events.count { $0.event == "repeat" }
            let ended = alert.endedAt == nil || events.contains { $0.event == "ended" }
            let lifted = !first.alert.suppressed || alert.suppressed || events.contains { $0.event == "unsuppressed" }
            return repeats >= alert.repeatCount && ended && lifted
        }
    }

    /// The alerts streamed during the run, checked against each owner's `GET /v1/alerts`.
    func collect(
        owners: [ProvisionedOwner],
        watchers: [AlertWatcher],
        start: Date
    ) async throws -> ([ReceivedAlert], [String]) {
        var received: [ReceivedAlert] = []
        var problems: [String] = []
        for (owner, watcher) in zip(owners, watchers) {
            let names = owner.devices.values.reduce(into: [String: String]()) { $0[$1.id] = $1.name }
            let listed = try await APIStep(serverURL: owner.serverURL)("listing \(owner.spec.name)'s alerts") {
                try await owner.client.listAlerts(query: .init(limit: 1_000)).ok.body.json
            }
            let notifications = await watcher.notifications
            if let failure = await watcher.failure { problems.append("\(owner.spec.name): \(failure)") }
            let streamed = notifications.filter { $0.event == "alert" }.map(\.alert)
            let byID = Dictionary(listed.map { ($0.id, $0) }) { first, _ in first }
            let streamedIDs = Set(streamed.map(\.id))
            for alert in listed where !streamedIDs.contains(alert.id) {
                problems.append(
                    "listed but never streamed: \(Self.received(alert, names: names, start: start).summary)"
                )
            }
            for alert in streamed {
                // Kind, time and suppression as decided (the stream's `alert` event); whether
                // the episode ended, from the list at the end.
                var decided = alert
                decided.endedAt = byID[alert.id]?.endedAt
                if byID[alert.id] == nil {
                    problems.append(
                        "streamed but not listed: \(Self.received(alert, names: names, start: start).summary)"
                    )
                }
                if decided.endedAt == nil,
                    let ended = notifications.last(where: { $0.event == "ended" && $0.alert.id == alert.id })
                {
                    decided.endedAt = ended.alert.endedAt
                }
                var entry = Self.received(decided, names: names, start: start)
                entry.toldLater = notifications.contains { $0.event == "unsuppressed" && $0.alert.id == alert.id }
                entry.repeats = notifications.filter { $0.event == "repeat" && $0.alert.id == alert.id }.count
                received.append(entry)
            }
        }
        return (received, problems)
    }

    /// Says so when the server's event-time clock was already past the scenario: an alert
    /// decided after the scenario's last event (a `silent` judged at once) means the server had
    /// seen later device times, from another scenario or an earlier run.
    static func clockHint(_ received: [ReceivedAlert], span: Int64, start: Date) -> String? {
        guard let ahead = received.filter({ $0.offset > span }).max(by: { $0.offset < $1.offset }) else { return nil }
        return "the server's event-time clock was at \(Self.iso(ahead.ts)), after this scenario's last event "
            + "(\(Offset.text(span))): it had seen later device times, so devices here were judged by them; "
            + "run scenarios in start order on a fresh server (tether-sim run --all sorts them)"
    }

    static func received(_ alert: Components.Schemas.Alert, names: [String: String], start: Date) -> ReceivedAlert {
        ReceivedAlert(
            id: alert.id,
            kind: alert.kind,
            deviceID: alert.deviceId,
            device: names[alert.deviceId] ?? alert.deviceId,
            ts: alert.ts,
            offset: Int64(((alert.ts.timeIntervalSince1970 - start.timeIntervalSince1970) * 1_000).rounded()),
            suppressedBy: alert.suppressedBy,
            endedAt: alert.endedAt,
            reason: alert.reason,
            fixes: alert.fixes.map {
                (
                    $0.source,
                    Int64((($0.ts.timeIntervalSince1970 - start.timeIntervalSince1970) * 1_000).rounded()),
                    $0.accuracyM
                )
            }
        )
    }
}
