import Foundation
import Logging
import PostgresNIO
import TetherCore
import TetherStore
import TetherStorePostgres
import TetherTesting

/// A PostgreSQL store of its own whose accounts and devices are inserted with plain SQL, for the
/// settings tests that need only those rows (and run whatever the account store can do yet).
enum PostgresSettingsSeed {
    /// Runs `body` on a fresh store holding `accounts` and `devices` (and its database, for
    /// ``query(_:in:)``); `nil` without a cluster.
    static func withStore<Result>(
        accounts: [Account],
        devices: [Device] = [],
        clock: @escaping @Sendable () -> Date = { Times.start },
        _ body: (PostgresStore, PostgresLocation) async throws -> Result
    ) async throws -> Result? {
        try await PostgresTestCluster.withStoreSlot {
            try await Self.withStoreInSlot(accounts: accounts, devices: devices, clock: clock, body)
        }
    }

    private static func withStoreInSlot<Result>(
        accounts: [Account],
        devices: [Device],
        clock: @escaping @Sendable () -> Date,
        _ body: (PostgresStore, PostgresLocation) async throws -> Result
    ) async throws -> Result? {
        try await PostgresTestCluster.withDatabase { database in
            try await Self.insert(accounts: accounts, devices: devices, into: database)
            // The lock tests queue two dozen writers of one account behind its settings lock while
            // the rest of the suite runs: a generous wait for a connection keeps them from timing out.
            var store = try await PostgresStore.open(
                PostgresStoreConfiguration(location: database, poolSize: 8, connectionWait: .seconds(60))
            )
            store.clock = clock
            do {
                let result = try await body(store, database)
                try store.close()
                return result
            } catch {
                try? store.close()
                throw error
            }
        }
    }

    /// Runs `sql` on its own connection to `database` and returns the first column of each row.
    static func query(_ sql: PostgresQuery, in database: PostgresLocation) async throws -> [Int64] {
        var values: [Int64] = []
        try await PostgresTestCluster.withConnection(to: database) { connection, logger in
            for try await value in try await connection.query(sql, logger: logger).decode(Int64.self) {
                values.append(value)
            }
        }
        return values
    }

    private static func insert(accounts: [Account], devices: [Device], into database: PostgresLocation) async throws {
        try await PostgresTestCluster.withConnection(to: database) { connection, logger in
            for account in accounts {
                try await connection.query(
                    """
                    INSERT INTO account (id, email, password_hash, home_region, created_at)
                    VALUES (\(account.id.rawValue), \(account.email.value), 'hash', \(account.homeRegion.rawValue),
                        \(account.createdAt))
                    """,
                    logger: logger
                )
            }
            for device in devices {
                try await connection.query(
                    """
                    INSERT INTO device (id, account_id, serial, model, kind, name, credential_hash, paired_at)
                    VALUES (\(device.id.rawValue), \(device.owner.rawValue), \(device.serial), \(device.model),
                        \(device.kind.rawValue), \(device.name), \("credential-" + device.id.rawValue), \(device.pairedAt))
                    """,
                    logger: logger
                )
            }
        }
    }
}
