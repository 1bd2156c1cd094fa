public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func movingAccountRecords(account: AccountID) async throws -> AccountRecords? {
        try await self.dbWriter.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [account.rawValue]) != nil
            else { return nil }
            return try AccountRecords.read(db, account: account, for: .move)
        }
    }

    public func importMovedAccount(_ records: AccountRecords, home: RegionID, at date: Date) async throws {
        guard let account = records.accountID else {
            throw TetherError.invalidField("account", "The records hold no account.")
        }
        do {
            try await self.dbWriter.write { db in
                try records.write(db, account: account, home: home)
                try Self.route(records.credentialHashes, to: home, at: date, db)
                try Self.raiseAccountChange(db, account: account, .accountArrived)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // The clash is told in domain words; SQLite's own message stays out of the answer.
            throw TetherError(
                code: "move_conflict",
                kind: .conflict,
                detail: "The account, or one of its devices' serials, is already held in this region."
            )
        }
    }

    public func removeMovedAccount(_ account: AccountID, to region: RegionID, at date: Date) async throws -> Bool {
        try await self.dbWriter.write { db in
            var hashes: [String] = []
            hashes += try String.fetchAll(
                db,
                sql: "SELECT credential_hash FROM device WHERE account_id = ?",
                arguments: [account.rawValue]
            )
            for row in try Row.fetchAll(
                db,
                sql: "SELECT access_token_hash, refresh_token_hash FROM session WHERE account_id = ?",
                arguments: [account.rawValue]
            ) {
                hashes += [row[0], row[1]]
            }
            try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [account.rawValue])
            guard db.changesCount > 0 else { return false }
            try Self.route(hashes, to: region, at: date, db)
            // The change number stays: should the account come back, its number goes on from
            // here, so a replica never holds an old copy at the version of a new one.
            return true
        }
    }

    public func credentialRoute(tokenHash: String) async throws -> RegionID? {
        try await self.dbWriter.read { db in
            try String.fetchOne(
                db,
                sql: "SELECT region FROM credential_route WHERE token_hash = ?",
                arguments: [tokenHash]
            ).flatMap(RegionID.init(rawValue:))
        }
    }

    /// Routes the credentials with digests `hashes` to `region` (replacing any earlier route).
    private static func route(_ hashes: [String], to region: RegionID, at date: Date, _ db: Database) throws {
        for hash in hashes {
            try db.execute(
                sql: "INSERT OR REPLACE INTO credential_route (token_hash, region, created_at) VALUES (?, ?, ?)",
                arguments: [hash, region.rawValue, date]
            )
        }
    }
}
