import Foundation
import Synchronization
import Testing
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite
import TetherTesting

/// The store backends the conformance suite runs on.
///
/// TetherStoreTests is one conformance suite over ``TetherStorage``: a test about behaviour
/// takes the backend as `@Test(arguments: StoreBackendUnderTest.allCases)`, opens a fresh store
/// with ``withStore(_:_:)`` and sees only `any TetherStorage`, so every backend must pass the
/// same assertions. Tests about one backend's own machinery (SQLite's files, pragmas,
/// migrations and raw rows) live in suites named after it (`SQLiteFileTests`,
/// `SQLiteSchemaTests`).
///
/// How a backend joins: add a case here, open an empty store of it in ``open(in:)`` (the
/// directory is the test's own and is removed after it), say whether it has a real pool of
/// connections in ``hasConnectionPool`` (the concurrent-writer tests run on those), and answer
/// the few questions the protocol does not ask in ``StoreInspection``. Nothing else changes.
enum StoreBackendUnderTest: String, CaseIterable, Sendable {
    /// SQLite in memory: one `DatabaseQueue`.
    case sqliteMemory
    /// SQLite in a WAL file in a temporary directory: a `DatabasePool` (one writer, many readers).
    case sqliteFile
    /// PostgreSQL: a database of its own in the throwaway cluster of the test command
    /// (``TetherTesting/PostgresTestCluster``), through a pool of connections.
    case postgres

    /// The backends this run can reach: PostgreSQL only when `TETHER_TEST_POSTGRES_URL` names a
    /// cluster (the test command starts one and fails a run in which no PostgreSQL test ran).
    static var allCases: [Self] {
        PostgresTestCluster.isAvailable ? [.sqliteMemory, .sqliteFile, .postgres] : [.sqliteMemory, .sqliteFile]
    }

    /// Opens a new, empty store keeping its data under `directory`; `cleanUp` runs after the
    /// store is closed.
    func open(in directory: URL) async throws -> (store: any TetherStorage, cleanUp: @Sendable () async -> Void) {
        switch self {
        case .sqliteMemory:
            return (try SQLiteStore.inMemory(), {})
        case .sqliteFile:
            return (try SQLiteStore.open(directory: directory), {})
        case .postgres:
            let database = try #require(try await PostgresTestCluster.makeDatabase())
            do {
                // A small pool (the whole suite's stores share the cluster's 300 connections) and a
                // generous wait: the concurrent-writer tests queue up to 24 writers on one lock, on
                // a loaded 2-core machine.
                let store = try await PostgresStore.open(
                    PostgresStoreConfiguration(location: database, poolSize: 8, connectionWait: .seconds(60))
                )
                return (store, { try? await PostgresTestCluster.dropDatabase(database) })
            } catch {
                try? await PostgresTestCluster.dropDatabase(database)
                throw error
            }
        }
    }

    /// Runs `body`, which opens stores of this backend, in a slot of the test cluster's
    /// connections (``PostgresTestCluster/withStoreSlot(isolation:_:)``) when it is PostgreSQL.
    func withSlot<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        guard self == .postgres else { return try await body() }
        return try await PostgresTestCluster.withStoreSlot(body)
    }

    /// Whether writers race on real connections: the concurrent-writer tests run on these.
    var hasConnectionPool: Bool {
        switch self {
        case .sqliteMemory: false
        case .sqliteFile, .postgres: true
        }
    }

    /// The backends with a real pool of connections.
    static var pooled: [Self] { Self.allCases.filter(\.hasConnectionPool) }
}

/// What the suite checks below the protocol, answered per backend: that a removed device left
/// no telemetry row behind, and how many estimated positions were written.
enum StoreInspection {
    /// How many raw telemetry events the store holds, of every device (removed ones too).
    static func telemetryEventCount(_ store: any TetherStorage, source: TelemetryEventSource = .any) async throws -> Int
    {
        switch store {
        case let sqlite as SQLiteStore:
            return try await sqlite.telemetryEventCount(source: source)
        case let postgres as PostgresStore:
            return try await postgres.telemetryEventCount(source: source)
        default:
            Issue.record("\(type(of: store)) has no telemetry event count in StoreInspection")
            return -1
        }
    }
}

/// A temporary directory for the length of `body`.
func withTemporaryDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("tether-store-test-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A fresh store of `backend` for the length of `body`.
func withStore<Result>(
    _ backend: StoreBackendUnderTest,
    _ body: (any TetherStorage) async throws -> Result
) async throws -> Result {
    try await backend.withSlot { try await withOpenStore(backend, body) }
}

/// A fresh store of `backend` for the length of `body`, in the caller's slot.
private func withOpenStore<Result>(
    _ backend: StoreBackendUnderTest,
    _ body: (any TetherStorage) async throws -> Result
) async throws -> Result {
    try await withTemporaryDirectory { directory in
        let (store, cleanUp) = try await backend.open(in: directory)
        do {
            let result = try await body(store)
            try? store.close()
            await cleanUp()
            return result
        } catch {
            try? store.close()
            await cleanUp()
            throw error
        }
    }
}

/// Two fresh stores of `backend` (an account's old home and its new one) for the length of `body`.
func withTwoStores<Result>(
    _ backend: StoreBackendUnderTest,
    _ body: (any TetherStorage, any TetherStorage) async throws -> Result
) async throws -> Result {
    // One slot for both: a test waiting for a second slot while it holds one could wait forever.
    try await backend.withSlot {
        try await withOpenStore(backend) { old in
            try await withOpenStore(backend) { new in try await body(old, new) }
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
    let store: any TetherStorage

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

    init(_ store: any TetherStorage, accounts: [Account]) async throws {
        var exports: [AccountExportData?] = []
        for account in accounts {
            exports.append(try await store.exportAccount(id: account.id))
        }
        self.exports = exports
        self.statistics = try await store.statistics(now: Times.start)
    }
}

/// A value a `@Sendable` closure hands back to the test after the call.
final class Captured<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }

    func set(_ value: Value) {
        self.value.withLock { $0 = value }
    }

    func get() -> Value {
        self.value.withLock { $0 }
    }
}

/// Failed sign-ins, pairing codes and alerts written and read through the store's real API
/// (there are no store calls for tests only).
extension Fixtures {
    /// The address the read-only probe of ``failedSignIns(_:after:)`` comes from.
    static let probeAddress = "192.0.2.254"

    /// Records a failed sign-in of `email` from `address` at `date`: an attempt the rule allows
    /// is recorded as a failure in advance, as a wrong password leaves it.
    func failedSignIn(_ email: EmailAddress, from address: String = "198.51.100.1", at date: Date) async throws {
        let decision = try await self.store.beginSignInAttempt(email: email, address: address, at: date, after: date) {
            _ in .allowed
        }
        #expect(decision == .allowed)
    }

    /// The failed sign-ins of `email` after `windowStart`, from any address, oldest first: what
    /// the sign-in rule is shown. A refused attempt records nothing.
    func failedSignIns(_ email: EmailAddress, after windowStart: Date = .distantPast) async throws -> [Date] {
        let seen = Captured<[FailedSignIn]>([])
        _ = try await self.store.beginSignInAttempt(
            email: email,
            address: Self.probeAddress,
            at: Times.start,
            after: windowStart
        ) { failures in
            seen.set(failures)
            return .refused(retryAfterSeconds: 1)
        }
        return seen.get().filter { $0.email == email }.map(\.at).sorted()
    }

    /// When the account's pairing codes were asked for, from `date` on, oldest first (from its
    /// export).
    func pairingRequestTimes(_ account: Account, since date: Date = .distantPast) async throws -> [Date] {
        let export = try await self.store.exportAccount(id: account.id)
        return (export?.pairingRequests ?? []).map(\.createdAt).filter { $0 >= date }.sorted()
    }

    /// Opens every connection of a pooled store (8 reads at once), so the writers a
    /// concurrency test starts next really run at the same time instead of queueing for
    /// connections still being made.
    func openEveryConnection() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try await self.store.statistics(now: Times.start) }
            }
            try await group.waitForAll()
        }
    }

    /// Raises one alert: ``AlertStore/recordAlertChanges(_:)`` with one change.
    func raise(_ alert: Alert) async throws -> Alert? {
        try await self.store.recordAlertChanges([.raise(alert)])[0]
    }

    /// Ends one episode: ``AlertStore/recordAlertChanges(_:)`` with one change.
    func end(device: DeviceID, rule: String, episodeStart: Int64, endedAt: Int64) async throws -> Alert? {
        try await self.store.recordAlertChanges([
            .end(device: device, rule: rule, episodeStart: episodeStart, endedAt: endedAt)
        ])[0]
    }
}
