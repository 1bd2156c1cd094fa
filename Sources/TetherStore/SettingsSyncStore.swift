public import Foundation
public import TetherCore

/// Keeps the versions of every synced setting field (device names, rules, do-not-disturb, fences,
/// quiet windows) beside the settings themselves, merges clients' edits by ``SettingMerge`` and
/// keeps the conflict log. Every call is scoped to the account.
///
/// Edits made through the ordinary endpoints are versioned too: they count as edits of the
/// replica ``serverReplica`` that had seen everything the server held.
///
/// Concurrent writers: a merge, and every settings write versioned as a server edit, reads the
/// account's fields and its setting clock before writing them, so it holds the account's
/// **settings lock** (its setting clock row) for the whole transaction, and ``SettingChange/sequence``
/// numbers are handed out in commit order. SQLite has one writer; a backend with many
/// connections locks the clock row (`SELECT … FOR UPDATE`) before reading.
public protocol SettingsSyncStore: Sendable {
    /// Merges a client's edits and applies the results to the settings, all in one transaction:
    /// an edit that cannot be applied throws and changes nothing.
    ///
    /// Every record the merge would write obeys the alert-settings rules
    /// (`AlertSettingsRules.syncedRecord` in TetherDomain: a fence with its name, role and a valid
    /// shape, a window with its days and distinct start and end), and the account stays within
    /// `caps`, counted in the same transaction (as ``AlertSettingsStore/addFence(_:limit:)``
    /// counts). The caps bind a push that adds: an account already past one may still edit.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `changes[i].record`, `i` the first
    ///   edit of the record at fault in `edits`; ``TetherError/tooManyFences(limit:field:)`` or
    ///   ``TetherError/tooManyQuietWindows(limit:field:)`` naming the first edit of a record the
    ///   push adds when it would exceed a cap (so a client can drop that edit and sync on).
    func mergeSettingEdits(
        account: AccountID,
        _ edits: [SettingEdit],
        now: Date,
        caps: AlertSettingsCaps
    ) async throws -> [SettingConflict]

    /// The fields written after `cursor` (a value of ``SettingChange/sequence``), oldest first.
    func settingChanges(account: AccountID, after cursor: Int64, limit: Int) async throws -> [SettingChange]

    /// The conflict log, newest first.
    func settingConflicts(account: AccountID, limit: Int) async throws -> [LoggedSettingConflict]
}

/// The replica id the server's own edits are made under.
public let serverReplica = "server"

/// A field as the server holds it, with the account-wide sequence number it was written at.
public struct SettingChange: Sendable, Hashable {
    public var key: SettingKey
    public var state: SettingFieldState
    /// Increases with every write in the account; clients pull from the last one they saw.
    public var sequence: Int64

    /// Creates a change.
    public init(key: SettingKey, state: SettingFieldState, sequence: Int64) {
        self.key = key
        self.state = state
        self.sequence = sequence
    }
}

/// A conflict-log entry with when the server found it.
public struct LoggedSettingConflict: Sendable, Hashable {
    public var conflict: SettingConflict
    public var detectedAt: Date

    /// Creates a logged conflict.
    public init(conflict: SettingConflict, detectedAt: Date) {
        self.conflict = conflict
        self.detectedAt = detectedAt
    }
}
