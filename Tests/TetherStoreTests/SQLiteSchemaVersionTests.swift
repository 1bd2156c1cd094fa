import GRDB
import Testing
import TetherStore
import TetherStoreSQLite

/// SQLite only: the schema's versions are checked before anything is opened, as on PostgreSQL.
struct SQLiteSchemaVersionTests {
    @Test func aDatabaseMigratedByANewerTetherIsRefusedNamingBothVersions() async throws {
        let database = try DatabaseQueue()
        _ = try SQLiteStore(dbWriter: database)
        try await database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
        }
        let error = try #require(throws: StoreSchemaError.self) { try SQLiteStore(dbWriter: database) }
        guard case .newerThanKnown(let found, let known) = error else {
            Issue.record("expected newerThanKnown, got \(error)")
            return
        }
        #expect(found == "v99")
        #expect(known.hasPrefix("v") && known != "v99")
    }

    @Test func requireCurrentRefusesANewDatabaseAndCreatesNoTable() async throws {
        let database = try DatabaseQueue()
        let error = try #require(throws: StoreSchemaError.self) {
            try SQLiteStore(dbWriter: database, schema: .requireCurrent)
        }
        guard case .pending(let found, _) = error else {
            Issue.record("expected pending, got \(error)")
            return
        }
        #expect(found == "v0")
        #expect(try await database.read { db in try db.tableExists("account") } == false)
    }

    @Test func requireCurrentOpensAnUpToDateDatabase() async throws {
        let database = try DatabaseQueue()
        _ = try SQLiteStore(dbWriter: database)
        _ = try SQLiteStore(dbWriter: database, schema: .requireCurrent)
    }
}
