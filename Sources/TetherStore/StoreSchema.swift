/// What opening a store does about its schema, on every backend.
public enum StoreSchemaPolicy: Sendable {
    /// Apply pending migrations (`tetherd serve`, `tetherd migrate`); on PostgreSQL under an
    /// advisory lock, so several nodes may start at once.
    case migrate
    /// Open only when the schema is exactly the one this build knows (`--no-migrate`).
    case requireCurrent
}

/// The database's schema is not the one this build of Tether knows. Versions are the backend's
/// own migration names (`v14` on SQLite, `1` on PostgreSQL).
public enum StoreSchemaError: Error, CustomStringConvertible, Equatable {
    /// A newer Tether migrated the database; this one must not touch it.
    case newerThanKnown(database: String, known: String)
    /// Migrations are pending and the server was told not to apply them (`--no-migrate`).
    case pending(database: String, known: String)

    public var description: String {
        switch self {
        case .newerThanKnown(let database, let known):
            "The database schema is at version \(database), newer than this tetherd knows (version \(known)); "
                + "run a tetherd of the newer release."
        case .pending(let database, let known):
            "The database schema is at version \(database) and this tetherd needs version \(known); "
                + "run `tetherd migrate`, or start without --no-migrate."
        }
    }
}
