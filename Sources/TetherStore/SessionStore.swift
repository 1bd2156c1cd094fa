public import Foundation
public import TetherCore

/// Stores sessions by the digests of their tokens.
public protocol SessionStore: Sendable {
    /// Inserts a new session.
    func createSession(_ session: Session) async throws

    /// The session whose access token has digest `hash`, expired or not.
    func session(accessTokenHash hash: String) async throws -> Session?

    /// The session with `id`, expired or not.
    func session(id: SessionID) async throws -> Session?

    /// Replaces the tokens of the session whose refresh token has digest `refreshTokenHash` and
    /// is unexpired at `now`, in one transaction; returns the updated session, or `nil` when no
    /// such session exists (so a refresh token works once). An error `update` throws leaves the
    /// session as it was.
    func rotateSession(
        refreshTokenHash: String,
        now: Date,
        update: @Sendable (inout Session) throws -> Void
    ) async throws -> Session?

    /// Deletes a session (sign-out).
    func deleteSession(id: SessionID) async throws
}
