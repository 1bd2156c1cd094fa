import Foundation

/// One step of the PostgreSQL schema: applied once, in order, recorded in
/// `tether_schema_migration`.
struct PostgresMigration: Sendable {
    /// The step's number; versions only grow.
    let version: Int
    /// A name for people reading `tether_schema_migration`.
    let name: String
    /// The statements, run in one transaction, in order.
    let statements: [String]

    /// A step whose statements are `sql` split at its semicolons (none may sit inside one).
    init(version: Int, name: String, sql: String) {
        self.init(
            version: version,
            name: name,
            statements: sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }
        )
    }

    /// A step of `statements`, each run whole (a function body may hold semicolons).
    init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// The PostgreSQL schema as a list of versioned migrations, the counterpart of SQLite's
/// `SQLiteSchema.migrator`. Version 1 is the whole schema of Tether as of issue 19; later
/// changes append a migration, never edit one that shipped.
///
/// The tables keep SQLite's names and columns (so both backends map an account's domain records,
/// ``AccountRecordSet``, to the same columns, and `tetherd copy-store` copies table by table),
/// with PostgreSQL's types: `timestamptz`
/// for instants, `bigint` for integers, `double precision` for reals, `bytea` for blobs.
enum PostgresSchema {
    /// Every migration, oldest first.
    static let migrations: [PostgresMigration] = [
        PostgresMigration(
            version: 1,
            name: "initial",
            sql: [Self.accountTables, Self.telemetryTables, Self.alertTables, Self.syncTables].joined(separator: "\n")
        ),
        PostgresMigration(version: 2, name: "telemetry keys", statements: Self.telemetryKeys),
        PostgresMigration(version: 3, name: "open alerts by device and rule", statements: [Self.openAlertIndex]),
        PostgresMigration(version: 4, name: "alert changes in one call", statements: [Self.alertChangesFunction]),
        PostgresMigration(
            version: 5,
            name: "directory record signatures",
            statements: ["ALTER TABLE directory_record ADD COLUMN signature bytea"]
        ),
        PostgresMigration(
            version: 6,
            name: "settings replicas of peer protocol 1 dropped",
            statements: [Self.dropProtocolOneSettingsReplicas]
        ),
    ]

    /// Peer protocol 2: settings replica records held in protocol 1's form (SQLite's rows) are
    /// dropped; each home's next round finds them missing and sends them again as domain records.
    static let dropProtocolOneSettingsReplicas = "DELETE FROM replica_record WHERE kind = 'settings'"

    /// The newest version this build knows.
    static var latestVersion: Int { Self.migrations.last?.version ?? 0 }

    /// The table that records applied migrations.
    static let migrationTable = "tether_schema_migration"
}
