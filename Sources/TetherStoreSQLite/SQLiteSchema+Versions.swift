import GRDB
import TetherStore

extension SQLiteSchema {
    /// Applies pending migrations (``TetherStore/StoreSchemaPolicy/migrate``) or checks there are
    /// none (``TetherStore/StoreSchemaPolicy/requireCurrent``); refuses, either way, a database that
    /// a newer Tether migrated.
    ///
    /// - Throws: ``TetherStore/StoreSchemaError`` naming the database's newest migration and this
    ///   build's.
    static func prepare(_ writer: any DatabaseWriter, policy: StoreSchemaPolicy) throws {
        let migrator = Self.migrator
        let known = migrator.migrations
        let applied = try writer.read { db in try migrator.appliedIdentifiers(db) }
        let newestKnown = Self.version(of: known.last)
        if let unknown = applied.subtracting(known).sorted(by: Self.isOlder).last {
            throw StoreSchemaError.newerThanKnown(database: Self.version(of: unknown), known: newestKnown)
        }
        switch policy {
        case .migrate:
            try migrator.migrate(writer)
        case .requireCurrent:
            if known.contains(where: { !applied.contains($0) }) {
                let newestApplied = known.last(where: applied.contains)
                throw StoreSchemaError.pending(database: Self.version(of: newestApplied), known: newestKnown)
            }
        }
    }

    /// The version part of a migration name: `v14` of "v14: pairing code index"; `v0` for none.
    static func version(of migration: String?) -> String {
        guard let migration else { return "v0" }
        return String(migration.prefix(while: { $0 != ":" }))
    }

    /// Orders migration names by their version number.
    private static func isOlder(_ left: String, _ right: String) -> Bool {
        let number = { (name: String) in Int(Self.version(of: name).dropFirst()) ?? 0 }
        return number(left) < number(right)
    }
}
