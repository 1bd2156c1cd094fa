import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization
import TetherCore

/// The connection pool and the one way the store runs SQL: ``read(_:)`` for a single
/// statement's worth of reading, ``transaction(_:)`` for everything that writes.
///
/// Owns a `PostgresClient` and the task that runs it; ``close()`` ends both. Every failure to
/// reach the database (no connection within ``PostgresStoreConfiguration/connectionWait``, a
/// connection lost mid-call, the server shutting down) surfaces as
/// ``TetherError/storeUnavailable``, which the server answers with `503` and `Retry-After: 1`;
/// the pool keeps trying to reconnect in the background.
final class PostgresPool: Sendable {
    let client: PostgresClient
    let logger: Logger
    let connectionWait: Duration
    /// The most connections the pool opens.
    let size: Int
    private let runner: Mutex<Task<Void, Never>?>

    init(_ configuration: PostgresStoreConfiguration, logger: Logger) throws {
        let connection = try Self.connectionConfiguration(configuration)
        var client = PostgresClient.Configuration(
            host: configuration.location.host,
            port: configuration.location.port,
            username: configuration.location.user,
            password: configuration.password,
            database: configuration.location.database,
            tls: try Self.clientTLS(configuration)
        )
        client.options.maximumConnections = configuration.poolSize
        client.options.connectTimeout = configuration.connectionWait
        client.options.additionalStartupParameters = connection.options.additionalStartupParameters
        // The pool logs every failed reconnection at info; the store logs the outage once per
        // failed call at warning.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        self.client = PostgresClient(configuration: client, backgroundLogger: background)
        self.logger = logger
        self.connectionWait = configuration.connectionWait
        self.size = configuration.poolSize
        let client_ = self.client
        self.runner = Mutex(Task { await client_.run() })
    }

    /// The settings of one connection: the server, TLS, and the session parameters every
    /// connection starts with.
    static func connectionConfiguration(
        _ configuration: PostgresStoreConfiguration
    ) throws -> PostgresConnection.Configuration {
        var connection = PostgresConnection.Configuration(
            host: configuration.location.host,
            port: configuration.location.port,
            username: configuration.location.user,
            password: configuration.password,
            database: configuration.location.database,
            tls: try Self.connectionTLS(configuration)
        )
        // Every acknowledged write waits for its commit to reach PostgreSQL's WAL.
        connection.options.additionalStartupParameters = [
            ("synchronous_commit", "on"),
            ("application_name", "tetherd"),
            ("TimeZone", "UTC"),
        ]
        return connection
    }

    /// The TLS context for `sslmode`, or `nil` for `disable`.
    private static func tlsContext(_ configuration: PostgresStoreConfiguration) throws -> TLSConfiguration? {
        var context = TLSConfiguration.makeClientConfiguration()
        switch configuration.location.tlsMode {
        case .disable:
            return nil
        case .prefer, .require:
            context.certificateVerification = .none
        case .verifyFull:
            context.certificateVerification = .fullVerification
            if let caFile = configuration.caFile {
                context.trustRoots = .file(caFile.path)
            }
        }
        return context
    }

    private static func clientTLS(
        _ configuration: PostgresStoreConfiguration
    ) throws -> PostgresClient.Configuration.TLS {
        guard let context = try Self.tlsContext(configuration) else { return .disable }
        return configuration.location.tlsMode == .prefer ? .prefer(context) : .require(context)
    }

    private static func connectionTLS(
        _ configuration: PostgresStoreConfiguration
    ) throws -> PostgresConnection.Configuration.TLS {
        guard let context = try Self.tlsContext(configuration) else { return .disable }
        let sslContext = try NIOSSLContext(configuration: context)
        return configuration.location.tlsMode == .prefer ? .prefer(sslContext) : .require(sslContext)
    }

    /// Stops the pool; later calls fail with ``TetherError/storeUnavailable``.
    func close() {
        let task = self.runner.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
    }

    /// Runs `body` on a pooled connection outside a transaction (one statement's consistency).
    func read<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.withConnection(body)
    }

    /// Runs `body` in one transaction at `isolation`, committing when it returns and rolling back
    /// when it throws. A serialization failure or deadlock (SQLSTATE 40001, 40P01) runs `body`
    /// again, up to five times: `body` must be safe to repeat.
    func transaction<Result: Sendable>(
        _ isolation: IsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.retryingConflicts {
            try await self.withConnection { connection in
                try await connection.query(
                    "BEGIN ISOLATION LEVEL \(unescaped: isolation.rawValue)",
                    logger: self.logger
                )
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        }
    }

    /// Runs `body`, one writing statement that is its own transaction, on a pooled connection,
    /// without the round trips of `BEGIN` and `COMMIT`; a serialization failure or deadlock runs
    /// it again, as ``transaction(_:_:)`` does.
    func statement<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await self.retryingConflicts { try await self.withConnection(body) }
    }

    /// Runs `attempt` until it does not fail on a serialization failure or deadlock (SQLSTATE
    /// 40001, 40P01), at most five times.
    private func retryingConflicts<Result: Sendable>(
        _ attempt: () async throws -> Result
    ) async throws -> Result {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try await attempt()
            } catch let error as PSQLError where error.isRetryableConflict && attempts < 5 {
                continue
            }
        }
    }

    /// Leases a connection, waiting at most ``connectionWait`` for one, and runs `body` on it
    /// under a ``ClosedConnectionWatch``; maps failures to reach the database to
    /// ``TetherError/storeUnavailable``.
    private func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let leased = LeaseFlag()
        do {
            return try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        leased.set()
                        return try await ClosedConnectionWatch.run(on: connection, logger: self.logger, body)
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: self.connectionWait)
                    if !leased.isSet { throw TetherError.storeUnavailable }
                    return nil
                }
                while let next = try await group.next() {
                    if let result = next {
                        group.cancelAll()
                        return result
                    }
                }
                throw TetherError.storeUnavailable
            }
        } catch let error as PSQLError where error.isConnectionFailure {
            self.logger.warning("store unavailable", metadata: ["error": "\(String(reflecting: error))"])
            throw TetherError.storeUnavailable
        } catch let error where !(error is TetherError) && !leased.isSet {
            // No connection was ever handed over: the pool is closed, or its circuit breaker
            // gave up on creating connections.
            self.logger.warning("store unavailable", metadata: ["error": "\(String(reflecting: error))"])
            throw TetherError.storeUnavailable
        }
    }

    /// Transaction isolation levels the store uses.
    enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }
}

extension PSQLError {
    /// The SQLSTATE of a server error, e.g. `23505` for a unique violation.
    var sqlState: String? { self.serverInfo?[.sqlState] }

    /// The name of the constraint a server error names, e.g. `account_email_key`.
    var constraintName: String? { self.serverInfo?[.constraintName] }

    /// A serialization failure or deadlock: the transaction may succeed when run again.
    var isRetryableConflict: Bool { self.sqlState == "40001" || self.sqlState == "40P01" }

    /// A unique constraint refused the row.
    var isUniqueViolation: Bool { self.sqlState == "23505" }

    /// The database could not be reached, or went away mid-call.
    var isConnectionFailure: Bool {
        switch self.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed, .uncleanShutdown,
            .sslUnsupported:
            return true
        case .server:
            // 08xxx connection exceptions; 57P01-57P03 admin shutdown, crash shutdown, cannot
            // connect now.
            guard let state = self.sqlState else { return false }
            // 53300: the server has no connection slot left.
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
        default:
            return false
        }
    }
}

extension PostgresConnection {
    /// Runs a statement and returns how many rows it affected.
    @discardableResult
    func execute(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        let result = try await self.query(query, logger: logger).get()
        return result.metadata.rows ?? 0
    }
}

/// Whether a pooled connection was handed over yet (set from the leasing task, read by the timer).
private final class LeaseFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { self.value.store(true, ordering: .relaxed) }

    var isSet: Bool { self.value.load(ordering: .relaxed) }
}
