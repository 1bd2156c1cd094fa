import Foundation
import Logging
import TetherAlerts
import TetherCore
import TetherStore

// Engines live in memory. After a start, an account's engines are rebuilt from its stored
// telemetry the first time the account is needed, and for every account at start.

extension AlertService {
    /// Rebuilds the engines of every account that has sent telemetry, so silence and repeats
    /// are judged after a restart even for devices that stay quiet. Run once at start; an
    /// account that fails is logged and tried again when it is next needed.
    public func recoverAll() async throws {
        for account in try await self.store.accountsWithTelemetry() {
            do {
                try await self.ensureAccount(account)
            } catch {
                self.logger.error(
                    "alert engines of an account not rebuilt",
                    metadata: ["tether.account.id": "\(account)", "error": "\(error)"]
                )
            }
        }
    }

    /// Loads the account once (concurrent callers wait for the same load).
    func ensureAccount(_ account: AccountID) async throws {
        // While a load runs the account is half built: wait for it.
        if let loading = self.loading[account] {
            try await loading.value
            return
        }
        if self.accounts[account] != nil { return }
        let loading = Task { try await self.load(account) }
        self.loading[account] = loading
        defer { self.loading[account] = nil }
        do {
            try await loading.value
        } catch {
            // Not loaded: the next request tries again from scratch.
            self.forget(account: account)
            throw error
        }
    }

    /// Loads the account's settings and rebuilds its devices' engines by replaying their
    /// stored telemetry: from ``replayWindowMilliseconds`` before the newest event, or from
    /// before the oldest open episode when that is earlier (at most 7 days back).
    ///
    /// The store is what was reported. A replayed alert that overlaps a stored one of its rule
    /// is the same episode and is not reported again; one that overlaps none was missed (a
    /// crash between the telemetry commit and the alert) and is recorded now. A replayed end
    /// ends the rule's open alert. An open silence is taken up as it is.
    func load(_ account: AccountID) async throws {
        let settings = try await self.store.alertSettings(account: account)
        let devices = try await self.store.devices(account: account)
        let stored = try await self.store.alerts(account: account, device: nil, limit: 10_000)
        let newest = try await self.store.newestTelemetryTime(account: account)
        self.accounts[account] = AccountState(settings: settings)
        for device in devices { self.monitor(device) }
        guard let newest else { return }

        let oldestOpen = stored.filter { $0.endedAt == nil }.map(\.episodeStart).min() ?? newest
        let from = max(newest - 7 * 86_400_000, min(newest - self.replayWindowMilliseconds, oldestOpen - 600_000))
        let byID = Dictionary(uniqueKeysWithValues: devices.map { ($0.id, $0) })
        let history = try await self.store.accountTelemetry(account: account, since: from, limit: 1_000_000)
            .compactMap { id, event in byID[id].map { (device: $0, event: event) } }
        self.newestEventTime = max(self.newestEventTime, newest)
        var decided: [(DeviceID, AlertDecision)] = []
        var start = history.startIndex
        // Consecutive events of one device go in as one batch, the rest in time order.
        while start < history.endIndex {
            let device = history[start].device
            let end = history[start...].firstIndex { $0.device.id != device.id } ?? history.endIndex
            decided += self.apply(history[start..<end].map(\.event), from: device)
            start = end
        }
        for alert in stored where alert.kind == .silent && alert.endedAt == nil {
            self.devices[alert.device]?.timeline.resumeSilence(since: alert.episodeStart)
        }
        _ = await self.record(Self.unreported(decided, stored: stored))
    }

    /// The replayed decisions that the stored alerts do not already account for.
    static func unreported(
        _ decisions: [(DeviceID, AlertDecision)],
        stored: [Alert]
    ) -> [(DeviceID, AlertDecision)] {
        decisions.enumerated().filter { index, pair in
            let (device, decision) = pair
            guard !decision.endsEpisode, decision.kind != .sos else { return true }
            // The replayed episode runs until the next end of its rule.
            let end =
                decisions[(index + 1)...].first {
                    $0.0 == device && $0.1.rule == decision.rule && $0.1.endsEpisode
                }?
                .1.time ?? .max
            return !stored.contains {
                $0.device == device && $0.rule == decision.rule && $0.episodeStart <= end
                    && decision.time <= ($0.endedAt ?? .max)
            }
        }
        .map(\.element)
    }
}
