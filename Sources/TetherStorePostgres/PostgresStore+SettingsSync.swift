public import Foundation
import Logging
import PostgresNIO
public import TetherCore
import TetherDomain
public import TetherStore

/// ``SettingsSyncStore`` on PostgreSQL: merges run under the account's settings lock
/// (``SettingsLock``), and read the fields of every record a push edits in one query.
extension PostgresStore {
    public func mergeSettingEdits(
        account: AccountID,
        _ edits: [SettingEdit],
        now: Date,
        caps: AlertSettingsCaps
    ) async throws -> [SettingConflict] {
        let logger = self.pool.logger
        return try await self.pool.transaction { connection in
            let lock = try await Self.lockSettings(connection, account: account, logger: logger)
            let before = try await Self.settingsCounts(connection, account: account, logger: logger)
            var writer = try await PostgresSettingVersionWriter(connection, lock, now: now, logger: logger)
            var push = SettingPushMerge(edits)
            let held = try await writer.held(push.records.map(\.id))
            let present = try await PostgresSettingsProjection.present(
                connection,
                account: account,
                push.deletableRecords,
                logger: logger
            )
            var conflicts: [SettingConflict] = []
            for record in push.records {
                let fields = held[record.id] ?? [:]
                let outcome = try push.merge(record, held: fields, inTables: present.contains(record.id))
                conflicts += outcome.conflicts
                try await writer.write(record.id, changed: outcome.changed, held: fields)
            }
            // The caps, counted in this transaction.
            let after = try await Self.settingsCounts(connection, account: account, logger: logger)
            try push.checkCaps(
                caps,
                fences: (before.fences, after.fences),
                windows: (before.windows, after.windows)
            )
            try await SettingConflictRow.insert(
                try conflicts.map { try SettingConflictRow(account: account, $0, at: now) },
                connection,
                logger: logger
            )
            try await writer.finish()
            return conflicts
        }
    }

    public func settingChanges(account: AccountID, after cursor: Int64, limit: Int) async throws -> [SettingChange] {
        let logger = self.pool.logger
        let versioned = try await self.pool.read { connection in
            var exists = false
            let rows = try await connection.query(
                "SELECT 1 FROM setting_clock WHERE account_id = \(account.rawValue)",
                logger: logger
            )
            for try await _ in rows { exists = true }
            return exists
        }
        if !versioned {
            // An account whose settings were never versioned is versioned now, so the first
            // pull has everything.
            let now = self.clock()
            try await self.pool.transaction { connection in
                let lock = try await Self.lockSettings(connection, account: account, logger: logger)
                guard lock.clock == nil else { return }
                var writer = try await PostgresSettingVersionWriter(connection, lock, now: now, logger: logger)
                try await writer.finish()
            }
        }
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: SettingFieldRow.columns) FROM setting_field
                WHERE account_id = \(account.rawValue) AND seq > \(cursor)
                ORDER BY seq LIMIT \(Int64(limit))
                """,
                logger: logger
            )
            return try await SettingFieldRow.decode(rows).map { try $0.change() }
        }
    }

    public func settingConflicts(account: AccountID, limit: Int) async throws -> [LoggedSettingConflict] {
        let logger = self.pool.logger
        return try await self.pool.read { connection in
            let rows = try await connection.query(
                """
                SELECT \(unescaped: SettingConflictRow.columns) FROM setting_conflict
                WHERE account_id = \(account.rawValue)
                ORDER BY id DESC LIMIT \(Int64(limit))
                """,
                logger: logger
            )
            return try await SettingConflictRow.decode(rows).map { try $0.logged() }
        }
    }
}
