public import Foundation
public import GRDB
import TetherCore
public import TetherStore

/// The embedded default store: SQLite through GRDB.
///
/// On disk it uses a `DatabasePool` in WAL mode with `synchronous=NORMAL` (``StoreDurability/processCrash``),
/// so a committed transaction survives a crash of the server process, or `FULL`
/// (``StoreDurability/powerLoss``) to also survive a power loss. Tests use an in-memory `DatabaseQueue`.
///
/// ```swift
/// let store = try SQLiteStore.open(directory: dataDirectory)
/// ```
public struct SQLiteStore: TetherStorage {
    /// The database; the store is its only writer.
    let dbWriter: any DatabaseWriter
    /// What "now" is when the store stamps the server's own setting edits (the server's clock
    /// setting; tests move a manual one). Default: the wall clock.
    public var clock: @Sendable () -> Date = { Date() }

    /// Wraps `dbWriter` and brings its schema up to date (or, with
    /// ``TetherStore/StoreSchemaPolicy/requireCurrent``, checks that it is).
    ///
    /// - Throws: ``TetherStore/StoreSchemaError`` when a newer Tether migrated the database, or
    ///   when migrations are pending and `schema` is ``TetherStore/StoreSchemaPolicy/requireCurrent``.
    public init(dbWriter: any DatabaseWriter, schema: StoreSchemaPolicy = .migrate) throws {
        self.dbWriter = dbWriter
        try SQLiteSchema.prepare(dbWriter, policy: schema)
    }

    /// The file name of the database inside the data directory.
    public static let fileName = "tether.sqlite"

    /// Opens (creating when needed) the database `tether.sqlite` in `directory`.
    public static func open(
        directory: URL,
        durability: StoreDurability = .processCrash,
        schema: StoreSchemaPolicy = .migrate
    ) throws -> SQLiteStore {
        try Self.open(file: directory.appendingPathComponent(Self.fileName), durability: durability, schema: schema)
    }

    /// Opens (creating when needed) the database `file` (`tetherd --database sqlite:PATH`).
    ///
    /// The file's directory is created `0700` and the database file `0600` (SQLite gives its WAL
    /// and shared-memory files the database file's mode), whatever the umask: the file holds
    /// password hashes, wrapped keys and telemetry. A file from an older version is tightened
    /// to `0600` too.
    public static func open(
        file: URL,
        durability: StoreDurability = .processCrash,
        schema: StoreSchemaPolicy = .migrate
    ) throws -> SQLiteStore {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
        let path = file.path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        var configuration = Configuration()
        // Another process writing (`tetherd operator-token`, `tetherd rotate-kek`) makes a
        // writer wait for it, not fail at once with SQLITE_BUSY.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL is set by DatabasePool.
            switch durability {
            case .processCrash: try db.execute(sql: "PRAGMA synchronous = NORMAL")
            case .powerLoss: try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            // Deleted rows (a shredded wrapped key, a deleted account) are overwritten with
            // zeros, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        return try SQLiteStore(dbWriter: pool, schema: schema)
    }

    /// A store in memory, for tests.
    public static func inMemory() throws -> SQLiteStore {
        try SQLiteStore(dbWriter: DatabaseQueue())
    }

    /// Closes every connection (and so its file descriptors) at once, instead of whenever the
    /// last reference to the pool goes.
    public func close() throws {
        try self.dbWriter.close()
    }

    public func ping() async throws {
        _ = try await self.dbWriter.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func pruneExpired(now: Date, pairingCodesBefore: Date, failedSignInsBefore: Date) async throws -> Int {
        try await self.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM session WHERE refresh_expires_at <= ?", arguments: [now])
            var pruned = db.changesCount
            try db.execute(sql: "DELETE FROM pairing_request WHERE expires_at <= ?", arguments: [pairingCodesBefore])
            pruned += db.changesCount
            try db.execute(sql: "DELETE FROM failed_sign_in WHERE at <= ?", arguments: [failedSignInsBefore])
            pruned += db.changesCount
            return pruned
        }
    }

    /// The `synchronous` setting in force: 1 is NORMAL, 2 is FULL.
    public func synchronousLevel() async throws -> Int {
        try await self.dbWriter.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode in force (`wal` on disk).
    public func journalMode() async throws -> String {
        try await self.dbWriter.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
