import Logging
import PostgresNIO
import TetherCore
import TetherStore

/// Brings a PostgreSQL database's schema up to ``PostgresSchema/latestVersion``.
///
/// Several `tetherd` nodes may start at once against one database: the migrator holds a
/// session-level advisory lock for the whole run, so one applies the pending migrations and the
/// others, once they get the lock, find nothing left to do. Each migration runs in its own
/// transaction with its row in `tether_schema_migration`.
struct PostgresMigrator {
    /// The advisory lock every node takes to migrate ("tether" + 1 as a 64-bit key).
    static let advisoryLockKey: Int64 = 0x7465_7468_6572_0001

    let pool: PostgresPool

    /// The versions recorded in the database, oldest first; empty for a new database.
    func appliedVersions() async throws -> [Int] {
        try await self.pool.read { connection in
            try await Self.appliedVersions(connection, logger: self.pool.logger)
        }
    }

    /// Applies every pending migration, under the advisory lock. Returns the versions it applied.
    ///
    /// - Throws: ``TetherStore/StoreSchemaError/newerThanKnown(database:known:)`` when the database was
    ///   migrated by a newer Tether.
    @discardableResult
    func migrate() async throws -> [Int] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await Self.migrateLocked(connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Checks, without changing anything, that the schema is exactly the one this build knows.
    ///
    /// - Throws: ``TetherStore/StoreSchemaError`` naming both versions when it is older or newer.
    func requireCurrent() async throws {
        let applied = try await self.appliedVersions()
        try Self.check(applied: applied, allowPending: false)
    }

    private static func migrateLocked(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS \(unescaped: PostgresSchema.migrationTable) (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        let applied = try await Self.appliedVersions(connection, logger: logger)
        try Self.check(applied: applied, allowPending: true)
        var done: [Int] = []
        for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
            try await connection.query("BEGIN", logger: logger)
            do {
                // The extended protocol takes one statement at a time, so a migration is a list
                // of them (``PostgresMigration/statements``).
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    """
                    INSERT INTO \(unescaped: PostgresSchema.migrationTable) (version, name)
                    VALUES (\(migration.version), \(migration.name))
                    """,
                    logger: logger
                )
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            logger.info(
                "applied migration",
                metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"]
            )
            done.append(migration.version)
        }
        return done
    }

    private static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let table = try await connection.query(
            "SELECT to_regclass(\(PostgresSchema.migrationTable)) IS NOT NULL",
            logger: logger
        )
        var exists = false
        for try await present in table.decode(Bool.self) { exists = present }
        guard exists else { return [] }
        var versions: [Int] = []
        let rows = try await connection.query(
            "SELECT version FROM \(unescaped: PostgresSchema.migrationTable) ORDER BY version",
            logger: logger
        )
        for try await version in rows.decode(Int.self) { versions.append(version) }
        return versions
    }

    private static func check(applied: [Int], allowPending: Bool) throws {
        let newest = applied.last ?? 0
        if newest > PostgresSchema.latestVersion {
            throw StoreSchemaError.newerThanKnown(database: "\(newest)", known: "\(PostgresSchema.latestVersion)")
        }
        if !allowPending, newest < PostgresSchema.latestVersion {
            throw StoreSchemaError.pending(database: "\(newest)", known: "\(PostgresSchema.latestVersion)")
        }
    }
}
