import Foundation
import Testing
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// `tetherd` and its database at start: one line and a non-zero exit when the database cannot
/// be reached or must not be touched, never a password.
@Suite("tetherd database at start")
struct DatabaseStartTests {
    @Test func anUnreachableDatabaseIsOneLineNamingTheURLWithoutThePasswordAndExit1() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let runner = CommandRunner("tetherd", environment: ["TETHER_DATABASE_PASSWORD": "hunter2-secret"])
        let result = try await runner.run([
            "--data-dir", directory.path, "--database", "postgres://tether@127.0.0.1:1/tether?sslmode=disable",
        ])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("postgres://tether@127.0.0.1:1/tether"))
        #expect(!result.stderr.contains("hunter2-secret") && !result.stdout.contains("hunter2-secret"))
    }

    @Test func aPasswordInTheURLIsRefusedBeforeAnythingIsOpened() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let result = try await CommandRunner("tetherd").run([
            "--data-dir", directory.path, "--database", "postgres://tether:hunter2@127.0.0.1:1/tether",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("TETHER_DATABASE_PASSWORD"))
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test func noMigrateRefusesANewSQLiteDatabaseAndMigrateThenLetsItStart() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let tetherd = CommandRunner("tetherd")
        let refused = try await tetherd.run(["--data-dir", directory.path, "--no-migrate"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("tetherd migrate"))
        let migrate = try await tetherd.run(["migrate", "--data-dir", directory.path])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let server = try await TetherdProcess.start(dataDirectory: directory, arguments: ["--no-migrate"])
        server.command.send(signal: SIGTERM)
        #expect(try await server.command.wait().status == 0)
    }
}
