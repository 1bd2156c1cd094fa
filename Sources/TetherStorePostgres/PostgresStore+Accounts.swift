public import Foundation
public import TetherCore
public import TetherStore

/// ``AccountStore`` on PostgreSQL.
extension PostgresStore {
    public func createAccount(
        _ account: Account,
        passwordHash: String,
        signup: SignupHint,
        session: Session?
    ) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func account(id: AccountID) async throws -> Account? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func accountForSignIn(email: EmailAddress) async throws -> (account: Account, passwordHash: String)? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func deleteAccount(id: AccountID) async throws -> Bool {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func exportAccount(id: AccountID) async throws -> AccountExportData? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func beginSignInAttempt(
        email: EmailAddress,
        address: String,
        at date: Date,
        after windowStart: Date,
        decide: @escaping @Sendable ([FailedSignIn]) -> SlidingWindowLimit.Decision
    ) async throws -> SlidingWindowLimit.Decision {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func clearFailedSignIns(email: EmailAddress, address: String) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
