public import Foundation
public import Logging
import PostgresNIO
import TetherCore
public import TetherStore

/// The store for a region that outgrows one file: PostgreSQL through postgres-nio's
/// `PostgresClient` pool, the same ``TetherStorage`` protocols as the embedded `SQLiteStore`,
/// proven by the same conformance suite.
///
/// Many connections write at once, so every read-then-write runs in one transaction under the
/// lock the protocol names (a row lock, a unique key, or a transaction-scoped advisory lock),
/// and counters come from one-statement upserts.
///
/// ```swift
/// let store = try await PostgresStore.open(
///     PostgresStoreConfiguration(location: try PostgresLocation(url: "postgres://tether@db/tether?sslmode=verify-full")),
///     logger: logger
/// )
/// ```
public struct PostgresStore: TetherStorage {
    /// The pool every call runs on.
    let pool: PostgresPool
    /// What "now" is when the store stamps the server's own setting edits. Default: the wall clock.
    public var clock: @Sendable () -> Date = { Date() }

    /// Connects, checks the server can keep the promised durability, and brings the schema up
    /// to date (or checks it is, with ``TetherStore/StoreSchemaPolicy/requireCurrent``).
    ///
    /// - Throws: ``PostgresStoreError/unreachable(_:reason:)`` naming the redacted URL when the
    ///   database cannot be reached; ``PostgresStoreError/schemaFailed(_:reason:)`` when the
    ///   server refuses a migration's statement; ``TetherStore/StoreSchemaError`` when the schema is newer than this
    ///   build (or older, with ``TetherStore/StoreSchemaPolicy/requireCurrent``);
    ///   ``PostgresStoreError/durabilityUnavailable(_:)`` when `power-loss` is asked of a server
    ///   running with `fsync` off.
    public static func open(
        _ configuration: PostgresStoreConfiguration,
        schema: StoreSchemaPolicy = .migrate,
        logger: Logger = Logger(label: "tether.store.postgres")
    ) async throws -> PostgresStore {
        // One direct connection first: when the database cannot be reached, the reason (refused,
        // no such database, wrong password) is the one line the operator sees, at once.
        do {
            let probe = try await PostgresConnection.connect(
                configuration: try PostgresPool.connectionConfiguration(configuration),
                id: 0,
                logger: logger
            )
            try await probe.close()
        } catch let error as PSQLError {
            throw PostgresStoreError.unreachable(configuration.location, reason: error.briefReason)
        }
        let pool = try PostgresPool(configuration, logger: logger)
        do {
            let fsync = try await pool.read { connection in
                var value = ""
                for try await setting in try await connection.query("SHOW fsync", logger: logger).decode(String.self) {
                    value = setting
                }
                return value
            }
            if configuration.durability == .powerLoss, fsync != "on" {
                throw PostgresStoreError.durabilityUnavailable(configuration.location)
            }
            let migrator = PostgresMigrator(pool: pool)
            switch schema {
            case .migrate: try await migrator.migrate()
            case .requireCurrent: try await migrator.requireCurrent()
            }
        } catch let error as TetherError where error == .storeUnavailable {
            pool.close()
            throw PostgresStoreError.unreachable(configuration.location, reason: "no connection")
        } catch let error as PSQLError where error.serverInfo != nil {
            // The server answered: a statement of the schema check or a migration failed.
            pool.close()
            throw PostgresStoreError.schemaFailed(configuration.location, reason: error.briefReason)
        } catch let error as PSQLError {
            pool.close()
            throw PostgresStoreError.unreachable(configuration.location, reason: error.briefReason)
        } catch {
            pool.close()
            throw error
        }
        return PostgresStore(pool: pool)
    }

    /// The migrations this build knows and those the database has, without changing anything.
    public func schemaVersions() async throws -> (database: Int, known: Int) {
        let applied = try await PostgresMigrator(pool: self.pool).appliedVersions()
        return (applied.last ?? 0, PostgresSchema.latestVersion)
    }

    public func close() throws {
        self.pool.close()
    }

    public func ping() async throws {
        _ = try await self.pool.read { connection in
            try await connection.execute("SELECT 1", logger: self.pool.logger)
        }
    }

    public func pruneExpired(now: Date, pairingCodesBefore: Date, failedSignInsBefore: Date) async throws -> Int {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            var pruned = try await connection.execute(
                "DELETE FROM session WHERE refresh_expires_at <= \(now)",
                logger: logger
            )
            pruned += try await connection.execute(
                "DELETE FROM pairing_request WHERE expires_at <= \(pairingCodesBefore)",
                logger: logger
            )
            pruned += try await connection.execute(
                "DELETE FROM failed_sign_in WHERE at <= \(failedSignInsBefore)",
                logger: logger
            )
            return pruned
        }
    }
}

/// Why a ``PostgresStore`` could not open or do what it was asked.
public enum PostgresStoreError: Error, CustomStringConvertible {
    /// The database could not be reached at start; the location is the redacted URL.
    case unreachable(PostgresLocation, reason: String)
    /// `--durability power-loss` was asked of a server that runs with `fsync = off`.
    case durabilityUnavailable(PostgresLocation)
    /// The server refused a statement of the schema's check or migration at start.
    case schemaFailed(PostgresLocation, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let location, let reason):
            "Cannot reach the database at \(location.redacted): \(reason)."
        case .durabilityUnavailable(let location):
            "The database at \(location.redacted) runs with fsync off, so it cannot keep --durability power-loss; "
                + "turn fsync on or use --durability process-crash."
        case .schemaFailed(let location, let reason):
            "Cannot bring the schema of the database at \(location.redacted) up to date: \(reason)."
        }
    }
}

extension PSQLError {
    /// A short, secret-free reason for a log line: the server's message, or the client-side code.
    var briefReason: String {
        if let message = self.serverInfo?[.message] { return message }
        if let underlying = self.underlying { return "\(underlying)" }
        return "\(self.code)"
    }
}

extension PostgresStore {
    /// The schema version this build migrates to.
    public static var knownSchemaVersion: Int { PostgresSchema.latestVersion }

    /// A fingerprint of every migration's text (FNV-1a, hex): it changes whenever the schema
    /// does, even within one version while it is being written (test templates are named by it).
    public static var schemaFingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for migration in PostgresSchema.migrations {
            for byte in migration.statements.joined(separator: ";").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }
}
