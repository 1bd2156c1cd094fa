import Foundation
import TetherStorePostgres

/// The store a `tetherd` process under test runs on: the suites that must hold on both backends
/// (telemetry under SIGKILL, the end-to-end CLI flow) take it as a test argument.
public enum TetherdBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The embedded default: SQLite in the data directory.
    case sqlite
    /// A database of its own in the test command's throwaway PostgreSQL cluster.
    case postgres

    /// The backends this run can reach: PostgreSQL only when `TETHER_TEST_POSTGRES_URL` is set.
    public static var available: [Self] {
        PostgresTestCluster.isAvailable ? [.sqlite, .postgres] : [.sqlite]
    }

    public var description: String { self.rawValue }

    /// A fresh database of this backend: the `tetherd` arguments that select it, and what to do
    /// when the test is over. Every `tetherd` given the same arguments shares the database (a
    /// restart after a crash finds its data). `migrated: false` gives PostgreSQL without even
    /// Tether's schema.
    public func makeDatabase(migrated: Bool = true) async throws -> TetherdDatabase {
        switch self {
        case .sqlite:
            return TetherdDatabase(arguments: [], drop: {})
        case .postgres:
            guard let database = try await PostgresTestCluster.makeDatabase(migrated: migrated) else {
                throw TetherdProcessError.didNotStart(status: -1, log: "TETHER_TEST_POSTGRES_URL is not set")
            }
            return TetherdDatabase(
                arguments: ["--database", database.redacted],
                drop: { try? await PostgresTestCluster.dropDatabase(database) }
            )
        }
    }
}

/// A database made for one test by ``TetherdBackend/makeDatabase()``.
public struct TetherdDatabase: Sendable {
    /// The `tetherd` arguments that select it (none for SQLite in the data directory).
    public let arguments: [String]
    /// Drops it (PostgreSQL); nothing for SQLite, whose file goes with the data directory.
    public let drop: @Sendable () async -> Void
}
