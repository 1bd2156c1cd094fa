import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and maps every row it returns with `transform`, in order.
    func all<Value>(_ query: PostgresQuery, _ transform: (PostgresRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in try await self.query(query, logger: self.logger) {
            values.append(try transform(row))
        }
        return values
    }

    /// Runs a prepared statement to its end and returns its rows, in order.
    ///
    /// Every prepared statement goes through here, rows or none: postgres-nio's overload that
    /// returns only the command tag may read the tag before the rows are consumed, and trap.
    func all<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        var rows: [Statement.Row] = []
        for try await row in try await self.execute(statement, logger: self.logger) { rows.append(row) }
        return rows
    }

    /// Runs `query` and maps its first row with `transform`; `nil` when it returns none.
    func first<Value>(_ query: PostgresQuery, _ transform: (PostgresRow) throws -> Value) async throws -> Value? {
        try await self.all(query, transform).first
    }

    /// Takes the transaction-scoped advisory locks named `keys` (`pg_advisory_xact_lock` on each
    /// key's 64-bit hash), one after the other in the order given, waiting for whoever holds one;
    /// PostgreSQL lets them go when the transaction ends.
    ///
    /// Keys carry a prefix naming what they lock (`sign-in-email:…`), so the namespaces never
    /// meet. Every caller that takes several locks of a kind takes them in one fixed order (so
    /// two transactions cannot each wait for the other); a deadlock all the same is retried by
    /// ``PostgresPool/transaction(_:_:)``.
    func lockForTransaction(_ keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await self.execute(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(key, 0))
            FROM unnest(\(keys)::text[]) WITH ORDINALITY AS lock(key, place) ORDER BY place
            """,
            logger: self.logger
        )
    }
}

extension PostgresStore {
    /// Runs one reading statement on a pooled connection and maps its rows with `transform`.
    func fetchAll<Value: Sendable>(
        _ query: PostgresQuery,
        _ transform: @escaping @Sendable (PostgresRow) throws -> Value
    ) async throws -> [Value] {
        try await self.pool.read { connection in try await connection.all(query, transform) }
    }

    /// Runs one reading statement on a pooled connection and maps its first row with
    /// `transform`; `nil` when it returns none.
    func fetchOne<Value: Sendable>(
        _ query: PostgresQuery,
        _ transform: @escaping @Sendable (PostgresRow) throws -> Value
    ) async throws -> Value? {
        try await self.pool.read { connection in try await connection.first(query, transform) }
    }

    /// Runs one writing statement in a transaction of its own; returns how many rows it changed.
    @discardableResult
    func write(_ query: PostgresQuery) async throws -> Int {
        try await self.pool.transaction { connection in try await connection.execute(query, logger: connection.logger) }
    }

    /// Runs one writing statement with `RETURNING` in a transaction of its own and maps the
    /// first row it returns; `nil` when it changed none.
    func writeReturning<Value: Sendable>(
        _ query: PostgresQuery,
        _ transform: @escaping @Sendable (PostgresRow) throws -> Value
    ) async throws -> Value? {
        try await self.pool.transaction { connection in try await connection.first(query, transform) }
    }
}
