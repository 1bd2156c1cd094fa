import Testing
import TetherCore
import TetherStorePostgres

/// `--database postgres://…` is read strictly: the parts Tether needs, libpq's sslmode names,
/// and never a password.
@Suite struct PostgresLocationTests {
    @Test func aFullURLIsReadPartByPart() throws {
        let location = try PostgresLocation(url: "postgres://tether@db.internal:6543/region_eu?sslmode=verify-full")
        #expect(location.user == "tether")
        #expect(location.host == "db.internal")
        #expect(location.port == 6543)
        #expect(location.database == "region_eu")
        #expect(location.tlsMode == .verifyFull)
    }

    @Test func thePortDefaultsTo5432AndTLSToPrefer() throws {
        let location = try PostgresLocation(url: "postgresql://tether@localhost/tether")
        #expect(location.port == 5432)
        #expect(location.tlsMode == .prefer)
        #expect(location.redacted == "postgres://tether@localhost:5432/tether?sslmode=prefer")
    }

    @Test func aPasswordInTheURLIsRefusedAndNotRepeated() throws {
        let error = try #require(throws: TetherError.self) {
            try PostgresLocation(url: "postgres://tether:hunter2@db/tether")
        }
        #expect(error.field == "database")
        #expect(error.detail.contains("TETHER_DATABASE_PASSWORD"))
        #expect(!error.detail.contains("hunter2"))
    }

    @Test(arguments: [
        "mysql://tether@db/tether", "postgres://db/tether", "postgres://tether@/tether", "postgres://tether@db",
        "postgres://tether@db/a/b", "postgres://tether@db/tether?sslmode=maybe",
        "postgres://tether@db/tether?application_name=x",
    ])
    func aURLTetherCannotUseIsRefusedNamingTheSetting(url: String) throws {
        let error = try #require(throws: TetherError.self) {
            try PostgresLocation(url: url, field: "database")
        }
        #expect(error.code == "invalid_field")
        #expect(error.field == "database")
    }
}
