// MARK: - Alert settings caps

extension TetherError {
    /// The account holds `limit` fences already: `400 invalid_field` naming `field`, by default
    /// `fences`; settings sync names the edit that would add one (`changes[3].record`), so a
    /// client can drop it. The same detail whichever path the fence came by.
    public static func tooManyFences(limit: Int, field: String = "fences") -> TetherError {
        .invalidField(field, "cannot be added: an account holds at most \(limit) fences")
    }

    /// The account holds `limit` do-not-disturb windows already: `400 invalid_field` naming
    /// `field`, by default `quiet_windows` (settings sync names the edit, as for fences).
    public static func tooManyQuietWindows(limit: Int, field: String = "quiet_windows") -> TetherError {
        .invalidField(field, "cannot be added: an account holds at most \(limit) do-not-disturb windows")
    }
}
