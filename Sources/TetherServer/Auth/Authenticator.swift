import Foundation
import Logging
import TetherCore
import TetherStore
import TetherSync

/// Resolves the bearer token of the current request (``RequestScope``) to a principal.
struct Authenticator: Sendable {
    let store: any SessionStore & DeviceStore & OperatorStore
    let clock: @Sendable () -> Date
    /// Sends the holder of a credential whose account moved away to its new home (421).
    var routing: RegionRouting?
    /// Accounts moving away right now: their credentials get `503 account_moving` meanwhile.
    var moves: AccountMoves
    /// Unknown device credentials per client address; an address over budget gets no lookups.
    var credentialFailures: AddressLimiter

    /// The signed-in session; its access token must be valid and unexpired.
    ///
    /// - Throws: ``TetherError/unauthenticated`` or ``TetherError/tokenExpired``.
    func session() async throws -> Session {
        let session = try await self.validSession()
        try self.admit(session.account)
        return session
    }

    /// The session of the request's access token, valid and unexpired, not yet admitted
    /// (``admit(_:)``): what ``BodyLimitMiddleware`` checks before it reads a large body.
    ///
    /// - Throws: ``TetherError/unauthenticated`` or ``TetherError/tokenExpired``.
    func validSession() async throws -> Session {
        guard let token = RequestScope.current.bearerToken, SecretToken(text: token).hasKind(.access) else {
            throw TetherError.unauthenticated
        }
        guard let session = try await self.store.session(accessTokenHash: SecretToken.digest(of: token)) else {
            try await self.routing?.requireNotMovedAway(token)
            throw TetherError.unauthenticated
        }
        guard session.accessExpiresAt > self.clock() else { throw TetherError.tokenExpired }
        return session
    }

    /// How stale `last_seen` may get before a request from the device rewrites it; keeps a
    /// chatty device from turning every read into a write.
    static let lastSeenResolution: TimeInterval = 30

    /// The device whose credential was presented; marks it as seen unless `markingSeen` is
    /// `false` (telemetry marks it in its own transaction).
    ///
    /// - Throws: ``TetherError/unauthenticated``; ``TetherError/tooManyCredentialFailures(retryAfterSeconds:)``
    ///   before any lookup when the client address presented too many unknown device credentials.
    func device(markingSeen: Bool = true) async throws -> Device {
        guard let token = RequestScope.current.bearerToken, SecretToken(text: token).hasKind(.deviceCredential) else {
            throw TetherError.unauthenticated
        }
        let now = self.clock()
        try self.requireCredentialBudget(at: now)
        guard var device = try await self.store.device(credentialHash: SecretToken.digest(of: token)) else {
            try await self.routing?.requireNotMovedAway(token)
            self.credentialFailures.record(client: RequestScope.current.budgetAddress, at: now)
            throw TetherError.unauthenticated
        }
        try self.admit(device.owner)
        if markingSeen, device.lastSeen.map({ now.timeIntervalSince($0) >= Self.lastSeenResolution }) ?? true {
            // A write even in a read: a move waits for it too.
            guard self.moves.admitWrite(device.owner) else { throw TetherError.accountMoving }
            defer { self.moves.finishWrite(device.owner) }
            try await self.store.markSeen(device: device.id, at: now)
            device.lastSeen = now
        }
        return device
    }

    /// Lets the current request act for `account` unless the account is moving away. A write
    /// (``RequestScope/writes``) is counted until the request ends, so a move waits for it.
    ///
    /// - Throws: ``TetherError/accountMoving``; `421 wrong_region` for a stray copy
    ///   (``AccountMoves/markStray(_:home:)``).
    func admit(_ account: AccountID) throws {
        try self.admission()(account)
    }

    /// ``admit(_:)`` for the current request, callable off its task (inside a store transaction,
    /// once the account is known there).
    func admission() -> @Sendable (AccountID) throws(TetherError) -> Void {
        let (writes, moves) = (RequestScope.current.writes, self.moves)
        return { account throws(TetherError) in
            if let home = moves.strayHome(account) {
                throw .wrongRegion(home: home.id, url: home.url.absoluteString)
            }
            if let writes {
                guard moves.admitWrite(account) else { throw TetherError.accountMoving }
                writes.hold(account)
            } else if moves.isMoving(account) {
                throw TetherError.accountMoving
            }
        }
    }

    /// Requires an operator token.
    ///
    /// - Throws: ``TetherError/forbidden`` for a valid account or device credential (known, but not
    ///   an operator); ``TetherError/unauthenticated`` for anything else that is not an operator token.
    func requireOperator() async throws {
        guard let token = RequestScope.current.bearerToken else { throw TetherError.unauthenticated }
        let presented = SecretToken(text: token)
        if presented.hasKind(.operator), try await self.store.isOperatorToken(hash: presented.digest) {
            return
        }
        // A genuine account or device credential is known but not allowed here; garbage is not known.
        if presented.hasKind(.access), try await self.store.session(accessTokenHash: presented.digest) != nil {
            throw TetherError.forbidden
        }
        if presented.hasKind(.deviceCredential) {
            let now = self.clock()
            try self.requireCredentialBudget(at: now)
            guard try await self.store.device(credentialHash: presented.digest) == nil else {
                throw TetherError.forbidden
            }
            self.credentialFailures.record(client: RequestScope.current.budgetAddress, at: now)
        }
        throw TetherError.unauthenticated
    }

    /// Refuses the current request's address when it presented too many unknown device
    /// credentials: checked before the lookup, so guessing costs the store nothing. Failures are
    /// recorded after the lookup, not in advance (honest devices share addresses and run in
    /// parallel), so parallel guesses may pass the limit by the number in flight.
    ///
    /// - Throws: ``TetherError/tooManyCredentialFailures(retryAfterSeconds:)``.
    private func requireCredentialBudget(at now: Date) throws(TetherError) {
        let address = RequestScope.current.budgetAddress
        if case .refused(let retryAfter) = self.credentialFailures.decide(client: address, now: now) {
            RequestScope.current.logger.warning(
                "device credentials throttled",
                metadata: ["tether.client": "\(address)"]
            )
            throw .tooManyCredentialFailures(retryAfterSeconds: retryAfter)
        }
    }
}
