import ArgumentParser
import Foundation
import Logging
import Synchronization
import TetherCore
import TetherServer
import TetherStore
import TetherStorePostgres
import TetherStoreSQLite

/// `tetherd copy-store --from sqlite:PATH --to postgres://…`: moves a region off the embedded
/// SQLite default with everything it holds, into an empty PostgreSQL database.
struct CopyStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-store",
        abstract: "Copy every record of a SQLite region database into an empty PostgreSQL database.",
        discussion: """
            Stop tetherd first: the source must not change while it is copied. The target's schema is \
            created when the database is empty of it; a target whose Tether tables hold rows is refused \
            (exit 1, naming the table). Progress goes to standard error; at the end the row count of \
            every table is compared on both sides. Blob and key files stay in --data-dir. The password \
            comes from TETHER_DATABASE_PASSWORD or --database-password-file.
            """
    )

    @Option(help: "The SQLite database, sqlite:PATH.")
    var from: String

    @Option(help: "The PostgreSQL database, postgres://user@host:port/database?sslmode=….")
    var to: String

    @Option(name: .customLong("database-ca-file"), help: "PEM CA file for sslmode=verify-full.")
    var databaseCAFile: String?

    @Option(name: .customLong("database-password-file"), help: "File holding the PostgreSQL password.")
    var databasePasswordFile: String?

    /// Rows per page read from SQLite and written to PostgreSQL.
    static let pageSize = 2_000

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var flags = ["data-dir": FileManager.default.temporaryDirectory.path, "database": self.to]
        flags["database-ca-file"] = self.databaseCAFile
        flags["database-password-file"] = self.databasePasswordFile
        let settings: ServerSettings
        let source: URL
        do {
            settings = try ServerSettings(resolving: SettingSources(flags: flags, environment: environment))
            guard case .sqlite(let file) = try DatabaseSetting(self.from, dataDirectory: URL(fileURLWithPath: ".")),
                self.from.lowercased().hasPrefix("sqlite:")
            else { throw ValidationError("--from must be sqlite:PATH") }
            guard case .postgres = settings.database else { throw ValidationError("--to must be postgres://…") }
            source = file
        } catch let error as TetherError {
            throw ValidationError("invalid setting: \(error.detail)")
        }
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw ValidationError("--from: no database at \(source.path)")
        }

        let sqlite = try SQLiteStore.open(file: source, schema: .requireCurrent)
        defer { try? sqlite.close() }
        let target = try await StoreBackend.openForCommand(settings, schema: .migrate)
        defer { try? target.close() }
        guard let postgres = target as? PostgresStore else { throw ValidationError("--to must be postgres://…") }

        // Every table the source holds must have a place in the target.
        let sourceTables = try await sqlite.tableNames()
        let unknown = Set(sourceTables).subtracting(PostgresStore.tablesInCopyOrder)
        guard unknown.isEmpty else {
            throw ValidationError(
                "the source has tables copy-store does not know: \(unknown.sorted().joined(separator: ", "))"
            )
        }
        var expected: [String: Int] = [:]
        for table in sourceTables { expected[table] = try await sqlite.rowCount(table: table) }
        let totals = expected

        let reporter = ProgressReporter()
        let counts: [String: Int]
        do {
            counts = try await postgres.importTables(
                pages: { (table: String, position: SQLiteStore.TablePosition?) in
                    guard sourceTables.contains(table) else { return ([], nil) }
                    return try await sqlite.tableRows(table: table, from: position ?? .start, limit: Self.pageSize)
                },
                progress: { progress in reporter.report(progress, of: totals[progress.table] ?? 0) }
            )
        } catch let refusal as PostgresStore.ImportRefusal {
            FileHandle.standardError.write(Data("error: \(refusal)\n".utf8))
            throw ExitCode(1)
        }

        var mismatches: [String] = []
        print("table\tsqlite\tpostgres")
        for table in PostgresStore.tablesInCopyOrder {
            let sourceCount = expected[table] ?? 0
            let targetCount = counts[table] ?? 0
            print("\(table)\t\(sourceCount)\t\(targetCount)")
            if sourceCount != targetCount { mismatches.append(table) }
        }
        guard mismatches.isEmpty else {
            FileHandle.standardError.write(
                Data(
                    "error: row counts differ in \(mismatches.joined(separator: ", ")); nothing was committed twice, but check the target\n"
                        .utf8
                )
            )
            throw ExitCode(1)
        }
        FileHandle.standardError.write(
            Data("copied \(counts.values.reduce(0, +)) rows in \(counts.count) tables; every row count matches\n".utf8)
        )
    }
}

/// Prints a table's progress to standard error at most every 10% (and at its end).
final class ProgressReporter: Sendable {
    private let lastDecile = Mutex<[String: Int]>([:])

    func report(_ progress: PostgresStore.ImportProgress, of total: Int) {
        let decile = total == 0 ? 10 : min(10, progress.rows * 10 / total)
        let shouldPrint = self.lastDecile.withLock { seen in
            guard seen[progress.table] != decile else { return false }
            seen[progress.table] = decile
            return true
        }
        guard shouldPrint, progress.rows > 0 || total == 0 else { return }
        FileHandle.standardError.write(Data("copying \(progress.table): \(progress.rows)/\(total) rows\n".utf8))
    }
}
