import Foundation
import TetherAlerts
import TetherCore
import TetherStore

// What the alert clock decides when no event comes: silence, repeats, and suppressions that
// lapsed while their episode was still open.

extension AlertService {
    /// One tick: retries decisions the store did not take, judges silence, tells the owner of
    /// suppressed alerts whose silencer lapsed, and repeats alerts that are due. Returns what it
    /// told the watchers. An account moving away is left for a later tick, so an account move
    /// (``AccountMoves``) waits for the writes a tick began and none lands after its copy.
    @discardableResult
    public func tick() async throws -> [AlertNotification] {
        let now = self.now
        var notifications: [AlertNotification] = []
        if !self.unrecorded.isEmpty {
            let retry = self.unrecorded
            self.unrecorded = []
            notifications += await self.recordAdmitted(retry).map { AlertNotification(event: .alert, alert: $0) }
        }
        var decided: [(DeviceID, AlertDecision)] = []
        for id in self.devices.keys {
            if let decision = self.devices[id]!.timeline.checkSilence(now: now) {
                decided.append((id, decision))
            }
        }
        notifications += await self.recordAdmitted(decided).map { AlertNotification(event: .alert, alert: $0) }
        notifications += try await self.liftLapsedSuppressions(now: now)
        notifications += try await self.repeatDue(now: now)
        return notifications
    }

    /// Records the decisions whose account is not moving away; the others wait in
    /// ``unrecorded`` (recorded next tick if the account stays, forgotten if it left).
    private func recordAdmitted(_ decisions: [(DeviceID, AlertDecision)]) async -> [Alert] {
        var admitted: [(DeviceID, AlertDecision)] = []
        var accounts: [AccountID] = []
        for (device, decision) in decisions {
            guard let account = self.devices[device]?.account else { continue }
            if self.moves.admitWrite(account) {
                admitted.append((device, decision))
                accounts.append(account)
            } else {
                self.unrecorded.append((device, decision))
            }
        }
        defer { for account in accounts { self.moves.finishWrite(account) } }
        return await self.record(admitted)
    }

    /// A suppressed alert whose episode is still open is told once its silencer lapses: the
    /// device left the safe place, the quiet window or the snooze ended.
    private func liftLapsedSuppressions(now: Int64) async throws -> [AlertNotification] {
        var lifted: [AlertNotification] = []
        for alert in try await self.store.suppressedOpenAlerts(kinds: AlertKind.silenceable, limit: 1_000) {
            guard self.moves.admitWrite(alert.account) else { continue }
            defer { self.moves.finishWrite(alert.account) }
            guard let timeline = self.devices[alert.device]?.timeline,
                timeline.silencer(for: alert.kind, at: now) == nil,
                let told = try await self.store.liftSuppression(id: alert.id, at: now, createdAt: self.wallClock())
            else { continue }
            let notification = AlertNotification(event: .unsuppressed, alert: told)
            await self.hub.publish(notification)
            lifted.append(notification)
        }
        return lifted
    }

    /// Repeats open, unacknowledged alerts whose device's repeat interval has passed, unless
    /// something silences them now (then, as with repeats off, the alert is only touched, so
    /// it does not hold up the others).
    private func repeatDue(now: Int64) async throws -> [AlertNotification] {
        var repeated: [AlertNotification] = []
        for alert in try await self.store.repeatableAlerts(
            kinds: AlertKind.repeatable,
            notifiedBefore: now - 60_000,
            limit: 1_000
        ) {
            guard self.moves.admitWrite(alert.account) else { continue }
            defer { self.moves.finishWrite(alert.account) }
            let settings: AccountAlertSettings
            if let cached = self.accounts[alert.account]?.settings {
                settings = cached
            } else {
                settings = try await self.store.alertSettings(account: alert.account)
            }
            let interval = Int64(settings.effectiveRules(for: alert.device).repeatIntervalSeconds ?? 0) * 1_000
            guard now - (alert.notifiedAt ?? alert.decidedAt) >= interval else { continue }
            let silenced = self.devices[alert.device]?.timeline.silencer(for: alert.kind, at: now) != nil
            guard interval > 0, !silenced else {
                try await self.store.touchAlert(id: alert.id, at: now)
                continue
            }
            if let updated = try await self.store.recordRepeat(id: alert.id, at: now) {
                let notification = AlertNotification(event: .repeated, alert: updated)
                await self.hub.publish(notification)
                repeated.append(notification)
            }
        }
        return repeated
    }
}
