public import Foundation
public import TetherCore

/// Stores alerts, one per episode, per device, per rule: concurrent requests deciding the same
/// episode store it once.
public protocol AlertStore: Sendable {
    /// Stores `alert` unless its device already has one for the same rule and episode start.
    ///
    /// - Returns: the stored alert, or `nil` when the episode already had one (nothing changes).
    func recordAlert(_ alert: Alert) async throws -> Alert?

    /// Marks the device's episode of `rule` that began at `episodeStart` as ended at `endedAt`.
    /// Returns the alert, or `nil` when there is no such open episode.
    func endAlertEpisode(device: DeviceID, rule: String, episodeStart: Int64, endedAt: Int64) async throws -> Alert?

    /// The account's alerts (of one device when given), newest decision first.
    func alerts(account: AccountID, device: DeviceID?, limit: Int) async throws -> [Alert]

    /// Acknowledges the account's alert; `nil` when it has no such alert.
    func acknowledgeAlert(id: AlertID, account: AccountID, at date: Date) async throws -> Alert?

    /// The account's alert; `nil` when it has no such alert.
    func alert(id: AlertID, account: AccountID) async throws -> Alert?

    /// Alerts that may repeat: open, unacknowledged, not suppressed, of kinds that repeat
    /// (`anti_lost`, `keep_in`, `keep_out`), told last at or before `notifiedBefore`.
    func repeatableAlerts(notifiedBefore: Int64, limit: Int) async throws -> [Alert]

    /// Records that the owner was told again at `at`: one more repeat. `nil` when the alert was
    /// acknowledged or ended meanwhile (nothing changes).
    func recordRepeat(id: AlertID, at: Int64) async throws -> Alert?
}
