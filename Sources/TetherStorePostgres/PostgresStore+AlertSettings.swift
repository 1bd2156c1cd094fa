public import Foundation
public import TetherCore
public import TetherStore

/// ``AlertSettingsStore`` on PostgreSQL.
extension PostgresStore {
    public func alertSettings(account: AccountID) async throws -> AccountAlertSettings {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func updateRuleSettings(account: AccountID, _ update: RuleSettings) async throws -> RuleSettings {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func clearRuleSettings(account: AccountID, device: DeviceID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func updateDoNotDisturb(
        account: AccountID,
        device: DeviceID?,
        enabled: Bool?,
        snooze: SnoozeChange
    ) async throws -> DoNotDisturbSwitch {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func addFence(_ fence: FenceRecord, limit: Int) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func removeFence(id: String, account: AccountID) async throws -> FenceRecord? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func addQuietWindow(_ window: QuietWindowRecord, createdAt: Date, limit: Int) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func removeQuietWindow(id: String, account: AccountID) async throws -> QuietWindowRecord? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func setEmergencyContact(_ contact: EmergencyContact?, account: AccountID) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func setWebhook(_ webhook: WebhookEndpoint?, account: AccountID) async throws -> WebhookEndpoint? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func accountsWithTelemetry() async throws -> [AccountID] {
        throw PostgresStoreError.notImplemented(#function)
    }
}
