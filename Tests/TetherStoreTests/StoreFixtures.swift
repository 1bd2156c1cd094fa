import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// Where a test's store keeps its data: both must behave the same.
enum StoreKind: String, CaseIterable, Sendable {
    /// An in-memory `DatabaseQueue`.
    case memory
    /// A WAL `DatabasePool` file in a temporary directory.
    case file
}

/// A temporary directory for the length of `body`.
func withTemporaryDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("tether-store-test-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A fresh store of `kind` for the length of `body`.
func withStore<Result>(_ kind: StoreKind, _ body: (SQLiteStore) async throws -> Result) async throws -> Result {
    switch kind {
    case .memory:
        return try await body(SQLiteStore.inMemory())
    case .file:
        return try await withTemporaryDirectory { directory in
            let store = try SQLiteStore.open(directory: directory)
            defer { try? store.close() }
            return try await body(store)
        }
    }
}

/// Fixed times: SQLite keeps milliseconds, so whole seconds compare equal after a round trip.
enum Times {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)

    static func at(_ seconds: TimeInterval) -> Date {
        self.start.addingTimeInterval(seconds)
    }
}

/// Builds and stores the records tests need.
struct Fixtures {
    let store: SQLiteStore

    /// A new account value with `email`, not stored.
    static func newAccount(_ email: String = "ada@example.org", at date: Date = Times.start) throws -> Account {
        Account(
            id: .random(),
            email: try EmailAddress(email),
            homeRegion: RegionID(rawValue: "local")!,
            createdAt: date
        )
    }

    /// Stores a new account with `email`.
    @discardableResult
    func account(
        _ email: String = "ada@example.org",
        signup: SignupHint = SignupHint(),
        at date: Date = Times.start
    ) async throws -> Account {
        let account = try Self.newAccount(email, at: date)
        try await self.store.createAccount(account, passwordHash: "$2b$04$hash-of-\(email)", signup: signup)
        return account
    }

    /// A new session value for `account`, not stored; its token digests are derived from `tag`
    /// and its refresh token lasts `refreshLifetime`.
    static func newSession(
        for account: Account,
        tag: String = UUID().uuidString,
        at date: Date = Times.start,
        refreshLifetime: TimeInterval = 30 * 86_400
    ) -> Session {
        Session(
            id: .random(),
            account: account.id,
            accessTokenHash: "access-\(tag)",
            accessExpiresAt: date.addingTimeInterval(min(3_600, refreshLifetime)),
            refreshTokenHash: "refresh-\(tag)",
            refreshExpiresAt: date.addingTimeInterval(refreshLifetime),
            createdAt: date
        )
    }

    /// Stores a new session for `account`; its token digests are derived from `tag`.
    @discardableResult
    func session(
        for account: Account,
        tag: String = UUID().uuidString,
        at date: Date = Times.start,
        refreshLifetime: TimeInterval = 30 * 86_400
    ) async throws -> Session {
        let session = Self.newSession(for: account, tag: tag, at: date, refreshLifetime: refreshLifetime)
        try await self.store.createSession(session)
        return session
    }

    /// Stores a new pairing request for `account` whose code digest is `codeHash`.
    @discardableResult
    func pairingRequest(
        for account: Account,
        codeHash: String = "code-\(UUID().uuidString)",
        at date: Date = Times.start,
        lifetime: TimeInterval = 600
    ) async throws -> PairingRequest {
        let request = PairingRequest(
            id: .random(),
            account: account.id,
            codeHash: codeHash,
            createdAt: date,
            expiresAt: date.addingTimeInterval(lifetime)
        )
        try #require(try await self.store.createPairingRequest(request), "code digest \(codeHash) is taken")
        return request
    }

    /// Pairs a device with `serial` to `account` through a new pairing code.
    @discardableResult
    func device(
        for account: Account,
        serial: String = "SN-\(UUID().uuidString.prefix(8))",
        credentialHash: String = "credential-\(UUID().uuidString)",
        at date: Date = Times.start
    ) async throws -> Device {
        let request = try await self.pairingRequest(for: account, at: date)
        return try await self.store.claimPairingCode(
            codeHash: request.codeHash,
            claim: try DeviceClaim(serial: serial, model: "TAG-1", kind: nil),
            credentialHash: credentialHash,
            now: date
        )
    }
}

/// Everything a store holds, to show that a failed operation changed nothing.
struct StoreSnapshot: Equatable {
    var exports: [AccountExportData?]
    var statistics: ServiceStatistics

    init(_ store: SQLiteStore, accounts: [Account]) async throws {
        var exports: [AccountExportData?] = []
        for account in accounts {
            exports.append(try await store.exportAccount(id: account.id))
        }
        self.exports = exports
        self.statistics = try await store.statistics(now: Times.start)
    }
}
