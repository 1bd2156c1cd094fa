public import Foundation
public import TetherStore

/// Everything needed to reach a region's PostgreSQL database.
public struct PostgresStoreConfiguration: Sendable {
    /// Which database, as which user, over what.
    public var location: PostgresLocation
    /// The password, when the server asks for one (from `TETHER_DATABASE_PASSWORD` or
    /// `--database-password-file`; never from a command line).
    public var password: String?
    /// The PEM file of the CA that signed the server's certificate (`--database-ca-file`), for
    /// `sslmode=verify-full`; the system's trust store when `nil`.
    public var caFile: URL?
    /// The most connections the pool opens (`--database-pool-size`).
    public var poolSize: Int
    /// What a commit must survive before the store answers.
    public var durability: StoreDurability
    /// How long a call waits for a connection before it fails with `503 store_unavailable`.
    public var connectionWait: Duration

    /// The pool size `tetherd` uses unless told otherwise.
    public static let defaultPoolSize = 16

    /// Creates a configuration.
    public init(
        location: PostgresLocation,
        password: String? = nil,
        caFile: URL? = nil,
        poolSize: Int = Self.defaultPoolSize,
        durability: StoreDurability = .processCrash,
        connectionWait: Duration = .seconds(5)
    ) {
        self.location = location
        self.password = password
        self.caFile = caFile
        self.poolSize = poolSize
        self.durability = durability
        self.connectionWait = connectionWait
    }
}
