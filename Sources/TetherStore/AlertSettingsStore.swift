public import Foundation
public import TetherCore

/// Stores what owners set about alerts: rule values, fences, do-not-disturb, the emergency
/// contact and the webhook. Every call is scoped to the account.
public protocol AlertSettingsStore: Sendable {
    /// Everything the account set, in one read.
    func alertSettings(account: AccountID) async throws -> AccountAlertSettings

    /// Sets the values that `update` has (its ``RuleSettings/device`` names the scope) and keeps
    /// the others. Returns the scope's values after the change.
    func updateRuleSettings(account: AccountID, _ update: RuleSettings) async throws -> RuleSettings

    /// Removes one device's rule values (its do-not-disturb switch stays).
    func clearRuleSettings(account: AccountID, device: DeviceID) async throws

    /// Sets the do-not-disturb switch and snooze of one scope: `enabled` when given, and the
    /// snooze to `snooze` when it is `.set` or `.clear`. Returns the scope's switch after.
    func updateDoNotDisturb(
        account: AccountID,
        device: DeviceID?,
        enabled: Bool?,
        snooze: SnoozeChange
    ) async throws -> DoNotDisturbSwitch

    /// Adds a fence unless the account holds `limit` already.
    ///
    /// The count and the insert are one step: a backend with concurrent writers serialises
    /// them per account (SQLite runs one write transaction at a time; a server database would
    /// lock the account's row), so two adds racing at the cap cannot both pass it.
    ///
    /// - Throws: ``TetherError/tooManyFences(limit:field:)`` when the account holds `limit` fences.
    func addFence(_ fence: FenceRecord, limit: Int) async throws

    /// Removes the account's fence; `nil` when it has no such fence.
    func removeFence(id: String, account: AccountID) async throws -> FenceRecord?

    /// Adds a weekly window unless the account holds `limit` already; counted as
    /// ``addFence(_:limit:)`` counts.
    ///
    /// - Throws: ``TetherError/tooManyQuietWindows(limit:field:)`` when the account holds `limit` windows.
    func addQuietWindow(_ window: QuietWindowRecord, createdAt: Date, limit: Int) async throws

    /// Removes the account's window; `nil` when it has no such window.
    func removeQuietWindow(id: String, account: AccountID) async throws -> QuietWindowRecord?

    /// Sets (or with `nil` removes) the emergency contact.
    func setEmergencyContact(_ contact: EmergencyContact?, account: AccountID) async throws

    /// Sets (or with `nil` removes, dropping queued deliveries) the webhook; returns the previous one.
    func setWebhook(_ webhook: WebhookEndpoint?, account: AccountID) async throws -> WebhookEndpoint?

    /// The accounts with a device that has sent telemetry: those whose alert engines a restart rebuilds.
    func accountsWithTelemetry() async throws -> [AccountID]
}

/// What to do with a snooze.
public enum SnoozeChange: Sendable, Hashable {
    /// Leave it.
    case keep
    /// Silence until this time.
    case set(Date)
    /// End it.
    case clear
}

/// An alert waiting to be posted to its account's webhook.
public struct WebhookDelivery: Sendable, Hashable {
    public var alert: Alert
    public var endpoint: WebhookEndpoint
    /// Attempts made so far.
    public var attempts: Int

    /// Creates a delivery value.
    public init(alert: Alert, endpoint: WebhookEndpoint, attempts: Int) {
        self.alert = alert
        self.endpoint = endpoint
        self.attempts = attempts
    }
}

/// The queue of webhook deliveries. ``AlertStore/recordAlertChanges(_:)`` queues an unsuppressed
/// alert in the same transaction when its account has a webhook, so no alert is stored without
/// its delivery, and each alert is queued once.
public protocol WebhookOutbox: Sendable {
    /// Deliveries due at `now`, oldest first: at most `limit`, and of each account only its
    /// `perAccount` oldest, so one account's backlog never fills the list.
    func dueWebhookDeliveries(now: Date, limit: Int, perAccount: Int) async throws -> [WebhookDelivery]

    /// The receiver took it: the delivery is done for good.
    func completeWebhookDelivery(alert: AlertID) async throws

    /// The attempt failed: try again at `next`, or with `next` `nil` give up.
    func failWebhookDelivery(alert: AlertID, error: String, next: Date?) async throws
}
