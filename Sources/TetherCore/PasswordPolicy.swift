/// The rules a new password must meet.
///
/// bcrypt reads at most 72 bytes and stops at a NUL byte, so longer passwords and passwords
/// with a NUL are refused rather than silently cut.
public enum PasswordPolicy {
    /// The fewest characters accepted, counted as Unicode scalars (as the contract's `minLength`
    /// counts them), not as grapheme clusters.
    public static let minimumLength = 10
    /// The most UTF-8 bytes accepted (bcrypt's limit).
    public static let maximumBytes = 72

    /// Checks a new password.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `password`.
    public static func validate(_ password: String) throws(TetherError) {
        guard password.unicodeScalars.count >= Self.minimumLength else {
            throw .invalidField("password", "must be at least \(Self.minimumLength) characters")
        }
        guard password.utf8.count <= Self.maximumBytes else {
            throw .invalidField("password", "must be at most \(Self.maximumBytes) bytes")
        }
        guard !password.utf8.contains(0) else {
            throw .invalidField("password", "must not contain a NUL character")
        }
    }
}
