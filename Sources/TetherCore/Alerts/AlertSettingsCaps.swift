/// How many fences and do-not-disturb windows one account may hold.
///
/// The numbers are a domain rule (`AlertSettingsRules.caps` in TetherDomain). A store does not
/// know them: the methods that add records take them from their caller and count inside the
/// transaction that writes, so two writers racing at the cap cannot both pass it.
public struct AlertSettingsCaps: Sendable, Hashable {
    /// Fences one account may hold.
    public var fences: Int
    /// Do-not-disturb windows one account may hold.
    public var quietWindows: Int

    /// Creates caps.
    public init(fences: Int, quietWindows: Int) {
        self.fences = fences
        self.quietWindows = quietWindows
    }

    /// Whether a write that took an account from `before` to `after` records of one kind goes
    /// past `cap`: a write may not take the account past it, but an account already past it
    /// (from before the cap) may still edit and delete.
    public static func exceeds(_ cap: Int, before: Int, after: Int) -> Bool {
        after > cap && after > before
    }
}
