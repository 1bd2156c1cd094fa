import Logging
import PostgresNIO
import Testing
import TetherStore
import TetherStorePostgres
import TetherTesting

/// Versioned migrations on PostgreSQL: applied once under an advisory lock however many nodes
/// start at once, and a schema this build does not know is refused by name.
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "needs TETHER_TEST_POSTGRES_URL"))
struct PostgresMigrationTests {
    @Test func nodesStartingAtOnceApplyEachMigrationExactlyOnce() async throws {
        try await PostgresTestCluster.withDatabase(migrated: false) { database in
            let stores = try await withThrowingTaskGroup(of: PostgresStore.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await PostgresStore.open(PostgresStoreConfiguration(location: database, poolSize: 2))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            defer { for store in stores { try? store.close() } }
            let applied = try await Self.appliedVersions(database)
            #expect(applied == Array(1...PostgresStore.knownSchemaVersion))
            let versions = try await stores[0].schemaVersions()
            #expect(versions.database == versions.known)
        }
    }

    @Test func settingsReplicasOfProtocolOneAreDroppedByMigrationSix() async throws {
        try await PostgresTestCluster.withDatabase { database in
            let store = try await PostgresStore.open(PostgresStoreConfiguration(location: database))
            try await ProtocolOneReplicas.hold(in: store)
            try store.close()
            // Back to before migration 6: the records stay as protocol 1 left them.
            try await Self.run(database, "DELETE FROM tether_schema_migration WHERE version = 6")
            let migrated = try await PostgresStore.open(PostgresStoreConfiguration(location: database))
            defer { try? migrated.close() }
            #expect(try await ProtocolOneReplicas.kinds(in: migrated) == [.dataKey])
        }
    }

    @Test func aSchemaNewerThanThisBuildIsRefusedNamingBothVersions() async throws {
        try await PostgresTestCluster.withDatabase { database in
            try await Self.run(database, "INSERT INTO tether_schema_migration (version, name) VALUES (999, 'future')")
            let error = try await #require(throws: StoreSchemaError.self) {
                _ = try await PostgresStore.open(PostgresStoreConfiguration(location: database))
            }
            #expect(error == .newerThanKnown(database: "999", known: "\(PostgresStore.knownSchemaVersion)"))
            #expect(error.description.contains("999"))
        }
    }

    @Test func noMigrateRefusesAPendingSchemaAndChangesNothing() async throws {
        try await PostgresTestCluster.withDatabase(migrated: false) { database in
            let error = try await #require(throws: StoreSchemaError.self) {
                _ = try await PostgresStore.open(
                    PostgresStoreConfiguration(location: database),
                    schema: .requireCurrent
                )
            }
            #expect(error == .pending(database: "0", known: "\(PostgresStore.knownSchemaVersion)"))
            #expect(try await Self.appliedVersions(database).isEmpty)
        }
    }

    @Test func anUnreachableDatabaseFailsAtOnceNamingTheURLWithoutThePassword() async throws {
        let location = try PostgresLocation(url: "postgres://tether@127.0.0.1:1/tether?sslmode=disable")
        let error = try await #require(throws: PostgresStoreError.self) {
            _ = try await PostgresStore.open(PostgresStoreConfiguration(location: location, password: "hunter2"))
        }
        #expect(error.description.contains("postgres://tether@127.0.0.1:1/tether"))
        #expect(!error.description.contains("hunter2"))
    }

    /// The migration versions recorded in `database`, oldest first; empty without the table.
    static func appliedVersions(_ database: PostgresLocation) async throws -> [Int] {
        try await PostgresTestCluster.withConnection(to: database) { connection, logger in
            var exists = false
            let table = try await connection.query(
                "SELECT to_regclass('tether_schema_migration') IS NOT NULL",
                logger: logger
            )
            for try await present in table.decode(Bool.self) { exists = present }
            guard exists else { return [] }
            let rows = try await connection.query(
                "SELECT version FROM tether_schema_migration ORDER BY version",
                logger: logger
            )
            var versions: [Int] = []
            for try await version in rows.decode(Int.self) { versions.append(version) }
            return versions
        }
    }

    static func run(_ database: PostgresLocation, _ sql: String) async throws {
        _ = try await PostgresTestCluster.withConnection(to: database) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}
