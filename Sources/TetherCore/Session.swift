public import Foundation

/// A signed-in session of an account: one access token and one refresh token, both stored
/// only as their SHA-256 digests.
public struct Session: Sendable, Hashable {
    /// The session's id.
    public var id: SessionID
    /// The account it signs in.
    public var account: AccountID
    /// SHA-256 (hex) of the access token.
    public var accessTokenHash: String
    /// When the access token stops working.
    public var accessExpiresAt: Date
    /// SHA-256 (hex) of the refresh token.
    public var refreshTokenHash: String
    /// When the refresh token stops working.
    public var refreshExpiresAt: Date
    /// When the session was opened.
    public var createdAt: Date

    /// Creates a session value.
    public init(
        id: SessionID,
        account: AccountID,
        accessTokenHash: String,
        accessExpiresAt: Date,
        refreshTokenHash: String,
        refreshExpiresAt: Date,
        createdAt: Date
    ) {
        self.id = id
        self.account = account
        self.accessTokenHash = accessTokenHash
        self.accessExpiresAt = accessExpiresAt
        self.refreshTokenHash = refreshTokenHash
        self.refreshExpiresAt = refreshExpiresAt
        self.createdAt = createdAt
    }
}
