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
        let now = self.now

        // The attempt counts as a failure until the password matches, so parallel guesses
        // cannot slip past a limit while bcrypt runs. Failures count per email and address, per
        // address and per email (``SignInBudget``): a guesser is stopped, the owner elsewhere is not.
        let address = RequestScope.current.budgetAddress
        let budget = self.signInBudget
        let decision = try await self.store.beginSignInAttempt(
            email: email,
            address: address,
            at: now,
            after: budget.windowStart(endingAt: now)
        ) { failures in
            budget.decide(failures: failures, email: email, address: address, now: now)
        }
        if case .refused(let retryAfter) = decision {
            self.logger.warning(
                "sign-in throttled",
                metadata: ["tether.client": "\(address)", "tether.sign_in.retry_after_s": "\(retryAfter)"]
            )
            throw TetherError.tooManyAttempts(retryAfterSeconds: retryAfter)
        }
        let stored = try await self.store.accountForSignIn(email: email)
        if stored == nil {
            try await self.routing.requireNotElsewhere(email)
        }
        guard try await self.passwords.verify(body.password, hash: stored?.passwordHash), let account = stored?.account
        else {
            self.logger.notice("sign-in failed", metadata: ["tether.account.known": "\(stored != nil)"])
            throw TetherError.invalidCredentials
        }
        // A session opened while the account moves away would stay behind.
        try self.authenticator.admit(account.id)
        try await self.store.clearFailedSignIns(email: email, address: address)
        let (session, grant) = self.newSession(for: account, at: now)
        try await self.store.createSession(session)
        return .ok(.init(body: .json(grant)))
    }

    func refreshSession(_ input: Operations.RefreshSession.Input) async throws -> Operations.RefreshSession.Output {
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let presented = SecretToken(text: body.refreshToken)
        guard presented.hasKind(.refresh) else { throw TetherError.refreshTokenInvalid }
        try await self.routing.requireIssuedHere(presented)
        let now = self.now
        let access = SecretToken.generate(.access, region: self.config.region)
        let refresh = SecretToken.generate(.refresh, region: self.config.region)
        let (accessLifetime, refreshLifetime) = (self.config.accessTokenLifetime, self.config.refreshTokenLifetime)
        let admit = self.authenticator.admission()
        let rotated = try await self.store.rotateSession(refreshTokenHash: presented.digest, now: now) { session in
            // Tokens rotated while the account moves away would stay behind.
            try admit(session.account)
            session.accessTokenHash = access.digest
            session.accessExpiresAt = now.addingTimeInterval(accessLifetime.timeInterval)
            session.refreshTokenHash = refresh.digest
            session.refreshExpiresAt = now.addingTimeInterval(refreshLifetime.timeInterval)
        }
        guard let session = rotated, let account = try await self.store.account(id: session.account) else {
            try await self.routing.requireNotMovedAway(body.refreshToken)
            throw TetherError.refreshTokenInvalid
        }
        return .ok(.init(body: .json(.init(account: account, session: session, access: access, refresh: refresh))))
    }

    func signOut(_ input: Operations.SignOut.Input) async throws -> Operations.SignOut.Output {
        let session = try await self.authenticator.session()
        try await self.store.deleteSession(id: session.id)
        await self.hub.endStreams(session: session.id)
        return .noContent(.init())
    }

    /// The sign-in limits of ``config``.
    var signInBudget: SignInBudget {
        SignInBudget(
            perEmailAndAddress: self.config.signInFailureLimit,
            perAddress: self.config.signInAddressLimit,
            perEmail: self.config.signInEmailLimit,
            window: self.config.signInFailureWindow
        )
    }

    /// A new session for `account` opened at `now`, and the grant that shows its tokens (the
    /// only time they are shown); the caller stores the session.
    func newSession(for account: Account, at now: Date) -> (Session, Components.Schemas.SessionGrant) {
        let access = SecretToken.generate(.access, region: self.config.region)
        let refresh = SecretToken.generate(.refresh, region: self.config.region)
        let session = Session(
            id: .random(),
            account: account.id,
            accessTokenHash: access.digest,
            accessExpiresAt: now.addingTimeInterval(self.config.accessTokenLifetime.timeInterval),
            refreshTokenHash: refresh.digest,
            refreshExpiresAt: now.addingTimeInterval(self.config.refreshTokenLifetime.timeInterval),
            createdAt: now
        )
        return (session, .init(account: account, session: session, access: access, refresh: refresh))
    }
}
