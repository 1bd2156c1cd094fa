public import Foundation
public import TetherCore

/// Storage for moving an account between regions (`tether account move`): its rows out of the
/// old home, into the new one, and the routes that keep its credentials working.
public protocol AccountMoveStore: Sendable {
    /// Every record that moves with the account (``AccountRecords`` for
    /// ``AccountRecords/Purpose/move``: its settings, sessions, alert log and its devices'
    /// state and telemetry history, keyed by device id), read in one transaction; `nil` when
    /// there is no such account.
    func movingAccountRecords(account: AccountID) async throws -> AccountRecords?

    /// Writes a moved account's records in one transaction, with this region as its home (its
    /// telemetry history numbered by this region's device numbers), and routes its device
    /// credentials and session tokens here.
    ///
    /// - Throws: ``TetherError`` `409 move_conflict` when a record collides with one held here (the
    ///   account or a device serial exists already); nothing is written then.
    func importMovedAccount(_ records: AccountRecords, home: RegionID, at date: Date) async throws

    /// Deletes a moved-out account (its rows, cascading) and routes its device credentials and
    /// session tokens to `region`, in one transaction. Returns whether it existed.
    func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool

    /// Where a credential with this digest lives since its account moved; `nil` when it never moved.
    func credentialRoute(tokenHash: String) async throws -> RegionID?
}
