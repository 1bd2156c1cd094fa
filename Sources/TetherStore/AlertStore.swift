public import Foundation
public import TetherCore

/// Stores alerts, one per episode, per device, per rule: concurrent requests deciding the same
/// episode store it once.
public protocol AlertStore: Sendable {
    /// Applies alerts raised and episodes ended in one transaction, in order; returns for each
    /// change the alert stored or ended, or `nil` where it changed nothing.
    ///
    /// - ``AlertChange/raise(_:)`` stores the alert unless its device already has one for the
    ///   same rule and episode start, or, for kinds with one open episode per rule
    ///   (`AlertKind.hasOneOpenEpisodePerRule`: all but `sos`, whose every press is its own
    ///   alert), one of the same rule still open. An unsuppressed alert is queued for the account's webhook in
    ///   the same transaction.
    /// - ``AlertChange/end(device:rule:episodeStart:endedAt:)`` marks the device's open alert of
    ///   `rule` as ended at `endedAt`: the one that began at `episodeStart`, else the latest that
    ///   began before the end; `nil` when the rule has no open alert.
    ///
    /// Atomic: the unique (device, rule, episode start) decides a replayed episode; the check
    /// for an open alert of the rule reads before it inserts, so a backend with many
    /// connections takes the device's lock for the transaction (SQLite has one writer).
    func recordAlertChanges(_ changes: [AlertChange]) async throws -> [Alert?]

    /// The account's alerts (of one device when given), newest decision first.
    func alerts(account: AccountID, device: DeviceID?, limit: Int) async throws -> [Alert]

    /// Acknowledges the account's alert; `nil` when it has no such alert.
    func acknowledgeAlert(id: AlertID, account: AccountID, at date: Date) async throws -> Alert?

    /// The account's alert; `nil` when it has no such alert.
    func alert(id: AlertID, account: AccountID) async throws -> Alert?

    /// Open, unacknowledged, unsuppressed alerts of `kinds`, told last at or before
    /// `notifiedBefore`, oldest first (the caller names the kinds that repeat:
    /// ``AlertKind/repeatable``).
    func repeatableAlerts(kinds: [AlertKind], notifiedBefore: Int64, limit: Int) async throws -> [Alert]

    /// Records that the owner was told again at `at`: one more repeat. `nil` when the alert was
    /// acknowledged or ended meanwhile (nothing changes).
    func recordRepeat(id: AlertID, at: Int64) async throws -> Alert?

    /// Open, suppressed alerts of `kinds`, oldest first: their silencer may have lapsed since
    /// (the caller names the kinds that can be silenced: ``AlertKind/silenceable``).
    func suppressedOpenAlerts(kinds: [AlertKind], limit: Int) async throws -> [Alert]

    /// The silencer of an open alert lapsed at `at` (the device left the safe place, the snooze
    /// ran out): the owner is told now, and the webhook gets it. `nil` when it ended meanwhile.
    func liftSuppression(id: AlertID, at: Int64, createdAt: Date) async throws -> Alert?

    /// Moves an alert's last notification to `at` without telling anyone (a repeat that was due
    /// while repeats are off or silenced), so it does not hold up the others.
    func touchAlert(id: AlertID, at: Int64) async throws
}

/// An alert raised, or an episode ended, for ``AlertStore/recordAlertChanges(_:)``.
public enum AlertChange: Sendable, Hashable {
    case raise(Alert)
    case end(device: DeviceID, rule: String, episodeStart: Int64, endedAt: Int64)
}
