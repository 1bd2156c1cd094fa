import Foundation
public import Logging
public import PostgresNIO
import Synchronization
public import TetherStorePostgres

/// The throwaway PostgreSQL cluster the test command starts (`scripts/postgres-test-cluster.sh`),
/// named by `TETHER_TEST_POSTGRES_URL`; tests never touch a system cluster.
///
/// Each test gets a database of its own, made with `CREATE DATABASE … TEMPLATE` from a template
/// migrated once per schema version, so a test starts from the real schema in a few
/// milliseconds and leaves nothing behind.
///
/// ```swift
/// if let database = try await PostgresTestCluster.makeDatabase() {
///     defer { Task { try? await PostgresTestCluster.dropDatabase(database) } }
///     let store = try await PostgresStore.open(PostgresStoreConfiguration(location: database))
/// }
/// ```
public enum PostgresTestCluster {
    /// The environment variable that names the cluster.
    public static let environmentVariable = "TETHER_TEST_POSTGRES_URL"

    /// The cluster's maintenance database, or `nil` when the variable is absent (PostgreSQL tests
    /// are then skipped, with a message on standard error).
    public static let location: PostgresLocation? = {
        guard let url = ProcessInfo.processInfo.environment[Self.environmentVariable], !url.isEmpty else {
            FileHandle.standardError.write(
                Data(
                    "PostgreSQL tests skipped: \(Self.environmentVariable) is not set (scripts/test.sh sets it)\n".utf8
                )
            )
            return nil
        }
        do {
            return try PostgresLocation(url: url, field: Self.environmentVariable)
        } catch {
            fatalError("\(Self.environmentVariable): \(error)")
        }
    }()

    /// Whether PostgreSQL tests run.
    public static var isAvailable: Bool { Self.location != nil }

    /// A new database migrated to this build's schema, or `nil` without a cluster. Counts the use
    /// in the file `TETHER_TEST_POSTGRES_USES` names, so the test command can fail a run in which
    /// no PostgreSQL test ran.
    ///
    /// - Parameter migrated: `false` for an empty database (no Tether schema at all).
    public static func makeDatabase(migrated: Bool = true) async throws -> PostgresLocation? {
        guard let location = Self.location else { return nil }
        let template = migrated ? try await Self.template(location) : "template0"
        let name = "tether_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        _ = try await Self.withConnection(to: location) { connection, logger in
            try await connection.query(
                "CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: template)",
                logger: logger
            )
        }
        Self.recordUse()
        return location.with(database: name)
    }

    /// Drops a database ``makeDatabase()`` made, closing whatever connections it still has.
    public static func dropDatabase(_ database: PostgresLocation) async throws {
        guard let location = Self.location else { return }
        _ = try await Self.withConnection(to: location) { connection, logger in
            try await connection.query(
                "DROP DATABASE IF EXISTS \(unescaped: database.database) WITH (FORCE)",
                logger: logger
            )
        }
    }

    /// How many stores of the test cluster a test process holds open at once. The cluster takes
    /// 300 connections; a store's pool takes up to 8 (16 for a test of two stores), and `tetherd`
    /// processes and the maintenance connections need the rest. Swift Testing starts every test at once, so without a bound
    /// the suite's stores together can ask for more than the cluster has.
    static let storeSlots = TestSlots(count: 16)

    /// Runs `body`, which opens one store of the test cluster (or an account's two homes) and
    /// closes it before it returns, once fewer than 16 such are open in this process.
    public static func withStoreSlot<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> Result {
        try await Self.storeSlots.withSlot(body)
    }

    /// Makes a database of its own for `body` and drops it afterwards; `nil` without a cluster.
    public static func withDatabase<Result>(
        migrated: Bool = true,
        _ body: (PostgresLocation) async throws -> Result
    ) async throws -> Result? {
        guard let database = try await Self.makeDatabase(migrated: migrated) else { return nil }
        do {
            let result = try await body(database)
            try await Self.dropDatabase(database)
            return result
        } catch {
            try? await Self.dropDatabase(database)
            throw error
        }
    }

    // MARK: - The template

    private static let templateTask = Mutex<Task<String, any Error>?>(nil)

    /// The template database of this build's schema, created on first use.
    private static func template(_ location: PostgresLocation) async throws -> String {
        let task = Self.templateTask.withLock { task in
            if let task { return task }
            let created = Task { try await Self.createTemplate(location) }
            task = created
            return created
        }
        return try await task.value
    }

    /// Creates `tether_template_v<N>` unless another test process already did: migrates a
    /// scratch database, closes its connections, and renames it, under an advisory lock.
    private static func createTemplate(_ location: PostgresLocation) async throws -> String {
        let name = "tether_template_v\(PostgresStore.knownSchemaVersion)_\(PostgresStore.schemaFingerprint)"
        let scratch = "\(name)_building_\(ProcessInfo.processInfo.processIdentifier)"
        let lockKey: Int64 = 0x7465_7468_6572_0002
        try await Self.withConnection(to: location) { connection, logger in
            try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
            // The lock is the session's: closing the connection releases it.
            var exists = false
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
            for try await _ in rows { exists = true }
            if exists { return }
            try await connection.query("DROP DATABASE IF EXISTS \(unescaped: scratch) WITH (FORCE)", logger: logger)
            try await connection.query("CREATE DATABASE \(unescaped: scratch)", logger: logger)
            let store = try await PostgresStore.open(
                PostgresStoreConfiguration(location: location.with(database: scratch))
            )
            try store.close()
            // The closed pool's connections end asynchronously; end them before the rename.
            try await connection.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \(scratch)",
                logger: logger
            )
            try await connection.query(
                "ALTER DATABASE \(unescaped: scratch) RENAME TO \(unescaped: name)",
                logger: logger
            )
            try await connection.query("ALTER DATABASE \(unescaped: name) WITH IS_TEMPLATE true", logger: logger)
        }
        return name
    }

    // MARK: - Plumbing

    /// Runs `body` on a fresh connection of its own to `database` (the cluster's maintenance
    /// database by default), closed afterwards.
    public static func withConnection<Result>(
        to database: PostgresLocation? = nil,
        _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        guard let location = database ?? Self.location else {
            throw PostgresStoreError.unreachable(
                try PostgresLocation(url: "postgres://none@none/none"),
                reason: "\(Self.environmentVariable) is not set"
            )
        }
        let logger = Logger(label: "tether.test.postgres")
        let configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: ProcessInfo.processInfo.environment["TETHER_TEST_POSTGRES_PASSWORD"],
            database: location.database,
            tls: .disable
        )
        // Every test of the suite shares the cluster's connections: when they are all taken
        // (53300), wait for one to be given back.
        let connection = try await Poll.value("a connection to the test cluster", timeout: .seconds(120)) {
            () -> PostgresConnection? in
            do {
                return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "53300" {
                return nil
            }
        }
        do {
            let result = try await body(connection, logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static let useLock = Mutex(())

    private static func recordUse() {
        guard let path = ProcessInfo.processInfo.environment["TETHER_TEST_POSTGRES_USES"], !path.isEmpty else { return }
        Self.useLock.withLock { _ in
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.seekToEndOfFile()
            handle.write(Data("1\n".utf8))
            handle.closeFile()
        }
    }
}
