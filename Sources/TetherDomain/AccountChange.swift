/// Which writes change an account's replicated data, and so raise its change number.
///
/// A home region sends each of its accounts to its replicas as one `settings` record whose
/// version is the account's change number: a replica's copy is stale exactly when the number
/// moved. The rule, stated once for every backend:
///
/// - A write changes the account's replicated data when it creates, changes or removes the
///   account, one of its devices (paired, re-paired, renamed, removed, or its hardware or
///   software version changed by telemetry), its alert settings (rule values, do-not-disturb,
///   fences, quiet windows, the emergency contact, the webhook), or its versioned setting fields
///   and conflict log (settings sync, and the server's own edits versioned with them).
/// - Nothing else does: telemetry that restates the device's versions, a device's last-seen
///   time, sessions, pairing codes, alerts, failed sign-ins and backups.
///
/// Every store write that changes replicated data raises the account's number once, in the
/// same transaction as the change, naming the case below. The number comes from one atomic
/// increment of the account's counter row (never a read of the highest number plus one), so
/// concurrent writers to one account get distinct, strictly increasing numbers and none is
/// lost; it never goes back, also when the account moves away and returns.
public enum AccountChange: String, Sendable, CaseIterable {
    /// The account was created here.
    case accountCreated
    /// The account arrived here by a move (``accountCreated`` for a moved account).
    case accountArrived
    /// A write versioned the account's setting fields: an alert-settings edit, a device paired,
    /// renamed or removed (each versions its setting fields), merged client edits and the
    /// conflicts they logged.
    case settingFields
    /// The emergency contact or the webhook was set or removed.
    case alerting
    /// Telemetry changed a device's hardware or software version
    /// (``deviceVersionsChanged(held:reported:)``).
    case deviceVersions

    /// Whether a properties report changes a device's replicated versions: a reported version
    /// replaces the held one, a missing one keeps it, and only a different value counts.
    public static func deviceVersionsChanged(
        held: (hardware: String?, software: String?),
        reported: (hardware: String?, software: String?)
    ) -> Bool {
        (reported.hardware.map { $0 != held.hardware } ?? false)
            || (reported.software.map { $0 != held.software } ?? false)
    }
}
