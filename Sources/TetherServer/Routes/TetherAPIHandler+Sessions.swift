import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func signIn(_ input: Operations.SignIn.Input) async throws -> Operations.SignIn.Output {
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let email = try EmailAddress(body.email)
        guard !body.password.isEmpty else { throw TetherError.invalidField("password", "is required") }
        try await self.checkSignInThrottle(email: email)

        let stored = try await self.store.accountForSignIn(email: email)
        guard try await self.passwords.verify(body.password, hash: stored?.passwordHash), let account = stored?.account
        else {
            try await self.store.recordFailedSignIn(email: email, at: self.now)
            self.logger.notice("sign-in failed", metadata: ["tether.account.known": "\(stored != nil)"])
            throw TetherError.invalidCredentials
        }
        try await self.store.clearFailedSignIns(email: email)
        return .ok(.init(body: .json(try await self.openSession(for: account))))
    }

    func refreshSession(_ input: Operations.RefreshSession.Input) async throws -> Operations.RefreshSession.Output {
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let presented = SecretToken(text: body.refreshToken)
        guard presented.hasKind(.refresh) else { throw TetherError.refreshTokenInvalid }
        let now = self.now
        let access = SecretToken.generate(.access)
        let refresh = SecretToken.generate(.refresh)
        let (accessLifetime, refreshLifetime) = (self.config.accessTokenLifetime, self.config.refreshTokenLifetime)
        let rotated = try await self.store.rotateSession(refreshTokenHash: presented.digest, now: now) { session in
            session.accessTokenHash = access.digest
            session.accessExpiresAt = now.addingTimeInterval(accessLifetime.timeInterval)
            session.refreshTokenHash = refresh.digest
            session.refreshExpiresAt = now.addingTimeInterval(refreshLifetime.timeInterval)
        }
        guard let session = rotated, let account = try await self.store.account(id: session.account) else {
            throw TetherError.refreshTokenInvalid
        }
        return .ok(.init(body: .json(.init(account: account, session: session, access: access, refresh: refresh))))
    }

    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        let session = try await self.authenticator.session()
        try await self.store.deleteSession(id: session.id)
        return .noContent(.init())
    }

    /// Opens a new session for `account` and returns its tokens (shown only here).
    func openSession(for account: Account) async throws -> Components.Schemas.SessionGrant {
        let now = self.now
        let access = SecretToken.generate(.access)
        let refresh = SecretToken.generate(.refresh)
        let session = Session(
            id: .random(),
            account: account.id,
            accessTokenHash: access.digest,
            accessExpiresAt: now.addingTimeInterval(self.config.accessTokenLifetime.timeInterval),
            refreshTokenHash: refresh.digest,
            refreshExpiresAt: now.addingTimeInterval(self.config.refreshTokenLifetime.timeInterval),
            createdAt: now
        )
        try await self.store.createSession(session)
        return .init(account: account, session: session, access: access, refresh: refresh)
    }

    /// Refuses sign-in while `email` has too many recent failures.
    private func checkSignInThrottle(email: EmailAddress) async throws {
        let now = self.now
        let window = self.config.signInFailureWindow.timeInterval
        let windowStart = now.addingTimeInterval(-window)
        // A failure exactly one window old has left it, so a retry at `retry_after_s` works.
        let failures = try await self.store.failedSignIns(email: email, since: windowStart).filter { $0 > windowStart }
        guard failures.count >= self.config.signInFailureLimit else { return }
        // The window slides: a retry works once the oldest counted failure leaves it.
        let index = failures.count - self.config.signInFailureLimit
        let retryAt = failures[index].addingTimeInterval(window)
        let retryAfter = max(1, Int(retryAt.timeIntervalSince(now).rounded(.up)))
        self.logger.warning("sign-in throttled", metadata: ["tether.sign_in.failures": "\(failures.count)"])
        throw TetherError.tooManyAttempts(retryAfterSeconds: retryAfter)
    }
}
