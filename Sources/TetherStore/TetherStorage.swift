public import Foundation

/// Everything the region server needs from storage. ``SQLiteStore`` implements it;
/// a PostgreSQL store can implement it later without touching the routes.
public protocol TetherStorage: AccountStore, SessionStore, DeviceStore, OperatorStore, TelemetryStore,
    AlertStore, AlertSettingsStore, WebhookOutbox, DirectoryStore, BackupStore, SettingsSyncStore,
    AccountReplicaStore, AccountMoveStore
{
    /// Answers when the store can serve reads; throws when it cannot (for `/health`).
    func ping() async throws

    /// Deletes what no longer serves any purpose: sessions whose refresh token expired at or
    /// before `now`, pairing codes that expired at or before `pairingCodesBefore`, failed sign-ins
    /// at or before `failedSignInsBefore`. Returns how many records went.
    func pruneExpired(now: Date, pairingCodesBefore: Date, failedSignInsBefore: Date) async throws -> Int

    /// Closes the store's connections once the server has stopped; later calls fail.
    func close() throws
}
