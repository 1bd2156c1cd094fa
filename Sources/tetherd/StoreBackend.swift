import ArgumentParser
import Foundation
import Logging
import TetherCore
import TetherServer
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite

/// Where a region keeps its records, and the one place `tetherd` opens a storage backend.
/// Everything above this sees only the ``TetherStorage`` protocols.
enum StoreBackend {
    /// The embedded default: one SQLite file (`sqlite:PATH`, default `<data-dir>/tether.sqlite`).
    case sqlite(file: URL, durability: StoreDurability)
    /// A PostgreSQL database (`postgres://…`).
    case postgres(PostgresStoreConfiguration)

    /// The backend `settings` name.
    ///
    /// - Throws: ``TetherCore/TetherError/invalidField(_:_:)`` naming `database` when the
    ///   PostgreSQL URL is not one Tether can use.
    init(settings: ServerSettings) throws(TetherError) {
        switch settings.database {
        case .sqlite(let file):
            self = .sqlite(file: file, durability: settings.durability)
        case .postgres(let url):
            self = .postgres(
                PostgresStoreConfiguration(
                    location: try PostgresLocation(url: url, field: "database"),
                    password: settings.databasePassword,
                    caFile: settings.databaseCAFile,
                    poolSize: settings.databasePoolSize,
                    durability: settings.durability
                )
            )
        }
    }

    /// Opens the store and brings its schema up to date (or checks it is, with
    /// ``TetherStore/StoreSchemaPolicy/requireCurrent``).
    ///
    /// - Parameter clock: What "now" is when the store stamps the server's own setting edits.
    func open(
        schema: StoreSchemaPolicy = .migrate,
        clock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tetherd.store")
    ) async throws -> any TetherStorage {
        switch self {
        case .sqlite(let file, let durability):
            var store = try SQLiteStore.open(file: file, durability: durability, schema: schema)
            store.clock = clock
            return store
        case .postgres(let configuration):
            var store = try await PostgresStore.open(configuration, schema: schema, logger: logger)
            store.clock = clock
            return store
        }
    }

    /// Opens the store for a command: a database that cannot be reached, or a schema this build
    /// must not touch, is one line on standard error and exit status 1, not a stack of errors.
    static func openForCommand(
        _ settings: ServerSettings,
        schema: StoreSchemaPolicy? = nil,
        logger: Logger = Logger(label: "tetherd.store")
    ) async throws -> any TetherStorage {
        let backend: StoreBackend
        do {
            backend = try StoreBackend(settings: settings)
        } catch {
            throw ValidationError("invalid setting: \(error.detail)")
        }
        do {
            return try await backend.open(
                schema: schema ?? (settings.migratesOnStart ? .migrate : .requireCurrent),
                clock: settings.config.clock,
                logger: logger
            )
        } catch let error as PostgresStoreError {
            throw Self.failure("\(error)")
        } catch let error as StoreSchemaError {
            throw Self.failure("\(settings.database.redacted): \(error)")
        }
    }

    /// Writes `line` to standard error and returns the exit status to throw.
    private static func failure(_ line: String) -> ExitCode {
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        return ExitCode(1)
    }
}
