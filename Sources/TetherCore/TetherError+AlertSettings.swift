// MARK: - Alert settings caps

extension TetherError {
    /// The account holds `limit` fences already: `400 invalid_field` naming `fences`. The same
    /// answer whether the fence came through `POST /v1/fences` or settings sync.
    public static func tooManyFences(limit: Int) -> TetherError {
        .invalidField("fences", "are at most \(limit) per account; remove one before adding another")
    }

    /// The account holds `limit` do-not-disturb windows already: `400 invalid_field` naming
    /// `quiet_windows`. The same answer whether the window came through REST or settings sync.
    public static func tooManyQuietWindows(limit: Int) -> TetherError {
        .invalidField("quiet_windows", "are at most \(limit) per account; remove one before adding another")
    }
}
