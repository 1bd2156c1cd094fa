public import Foundation
import GRDB
public import TetherCore
import TetherDomain
public import TetherStore

extension SQLiteStore {
    public func createAccount(
        _ account: Account,
        passwordHash: String,
        signup: SignupHint,
        session: Session?
    ) async throws {
        try await self.dbWriter.write { db in
            // One statement decides: the unique email index, not a read before the insert.
            try AccountRecord(account, passwordHash: passwordHash, signup: signup).insert(db, onConflict: .ignore)
            guard db.changesCount > 0 else { throw TetherError.emailTaken }
            try Self.raiseAccountChange(db, account: account.id, .accountCreated)
            if let session {
                try SessionRecord(session).insert(db)
            }
        }
    }

    public func account(id: AccountID) async throws -> Account? {
        try await self.dbWriter.read { db in try AccountRecord.fetchOne(db, key: id.rawValue)?.account() }
    }

    public func accountForSignIn(email: EmailAddress) async throws -> (account: Account, passwordHash: String)? {
        try await self.dbWriter.read { db in
            guard let record = try AccountRecord.filter(Column("email") == email.value).fetchOne(db) else { return nil }
            return (try record.account(), record.passwordHash)
        }
    }

    public func deleteAccount(id: AccountID) async throws -> Bool {
        try await self.dbWriter.write { db in
            guard let record = try AccountRecord.fetchOne(db, key: id.rawValue) else { return false }
            // Failed sign-ins are keyed by email; foreign keys cascade to sessions, devices (with
            // their credentials) and pairing codes.
            try db.execute(sql: "DELETE FROM failed_sign_in WHERE email = ?", arguments: [record.email])
            try db.execute(sql: "DELETE FROM account_change WHERE account_id = ?", arguments: [id.rawValue])
            return try record.delete(db)
        }
    }

    public func exportAccount(id: AccountID) async throws -> AccountExportData? {
        try await self.dbWriter.read { db in
            guard let record = try AccountRecord.fetchOne(db, key: id.rawValue) else { return nil }
            let owned = Column("account_id") == id.rawValue
            return AccountExportData(
                account: try record.account(),
                signup: record.signupHint(),
                devices: try DeviceRecord.filter(owned).order(Column("paired_at")).fetchAll(db).map { try $0.device() },
                sessions: try SessionRecord.filter(owned).order(Column("created_at")).fetchAll(db).map(\.session),
                pairingRequests: try PairingRequestRecord.filter(owned).order(Column("created_at")).fetchAll(db)
                    .map(\.request),
                failedSignIns: try Date.fetchAll(
                    db,
                    sql: "SELECT at FROM failed_sign_in WHERE email = ? ORDER BY at",
                    arguments: [record.email]
                )
            )
        }
    }

    public func beginSignInAttempt(
        email: EmailAddress,
        address: String,
        at date: Date,
        after windowStart: Date,
        decide: @escaping @Sendable ([FailedSignIn]) -> SlidingWindowLimit.Decision
    ) async throws -> SlidingWindowLimit.Decision {
        try await self.dbWriter.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT email, address, at FROM failed_sign_in WHERE (email = ? OR address = ?) AND at > ?",
                arguments: [email.value, address, windowStart]
            )
            let recent = rows.compactMap { row -> FailedSignIn? in
                // Every stored email was an EmailAddress; one that no longer parses is skipped.
                guard let email = try? EmailAddress(row["email"] as String) else { return nil }
                return FailedSignIn(email: email, address: row["address"], at: row["at"])
            }
            let decision = decide(recent)
            if decision == .allowed {
                try Self.insertFailedSignIn(db, email: email, address: address, at: date)
            }
            return decision
        }
    }

    public func clearFailedSignIns(email: EmailAddress, address: String) async throws {
        try await self.dbWriter.write { db in
            try db.execute(
                sql: "DELETE FROM failed_sign_in WHERE email = ? AND address = ?",
                arguments: [email.value, address]
            )
        }
    }

    private static func insertFailedSignIn(_ db: Database, email: EmailAddress, address: String, at date: Date) throws {
        try db.execute(
            sql: "INSERT INTO failed_sign_in (email, address, at) VALUES (?, ?, ?)",
            arguments: [email.value, address, date]
        )
    }
}
