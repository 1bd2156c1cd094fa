public import Foundation
import GRDB
public import TetherCore
import TetherStore

extension SQLiteStore {
    public func createPairingRequest(_ request: PairingRequest, limit: SlidingWindowLimit?) async throws -> Bool {
        try await self.dbWriter.write { db in
            if let limit {
                let arguments: StatementArguments = [
                    request.account.rawValue, limit.windowStart(endingAt: request.createdAt),
                ]
                // Counting first: the times are needed only when the window is full (an owner
                // pairing a fleet would otherwise read all its recent codes for each new one).
                let count = try Int.fetchOne(
                    db,
                    sql: "SELECT count(*) FROM pairing_request WHERE account_id = ? AND created_at > ?",
                    arguments: arguments
                )
                if count ?? 0 >= limit.limit {
                    let recent = try Date.fetchAll(
                        db,
                        sql: "SELECT created_at FROM pairing_request WHERE account_id = ? AND created_at > ?",
                        arguments: arguments
                    )
                    if case .refused(let retryAfter) = limit.decide(recent: recent, now: request.createdAt) {
                        throw TetherError.pairingRateLimited(limitPerHour: limit.limit, retryAfterSeconds: retryAfter)
                    }
                }
            }
            // The unique code digest decides a clash: the insert itself, not a read before it.
            try PairingRequestRecord(request).insert(db, onConflict: .ignore)
            return db.changesCount > 0
        }
    }

    public func pairingRequest(id: PairingID, account: AccountID) async throws -> PairingRequest? {
        try await self.dbWriter.read { db in
            try PairingRequestRecord
                .filter(Column("id") == id.rawValue && Column("account_id") == account.rawValue)
                .fetchOne(db)?
                .request
        }
    }

    public func pairingRequest(codeHash: String) async throws -> PairingRequest? {
        try await self.dbWriter.read { db in
            try PairingRequestRecord.filter(Column("code_hash") == codeHash).fetchOne(db)?.request
        }
    }

    public func claimPairingCode(
        codeHash: String,
        claim: DeviceClaim,
        credentialHash: String,
        now: Date
    ) async throws -> Device {
        try await self.dbWriter.write { db in
            guard let pairing = try PairingRequestRecord.filter(Column("code_hash") == codeHash).fetchOne(db) else {
                throw TetherError.pairingCodeNotFound
            }
            switch pairing.request.state(at: now) {
            case .claimed: throw TetherError.pairingCodeUsed
            case .expired: throw TetherError.pairingCodeExpired
            case .pending: break
            }
            let existing = try DeviceRecord.filter(Column("serial") == claim.serial).fetchOne(db)
            if let existing, existing.accountId != pairing.accountId {
                throw TetherError.serialTaken
            }
            // A serial the same account already owns is re-paired: same id, new credential.
            let record = DeviceRecord(
                id: existing?.id ?? DeviceID.random().rawValue,
                accountId: pairing.accountId,
                serial: claim.serial,
                model: claim.model,
                kind: claim.kind.rawValue,
                name: existing?.name ?? claim.name,
                hardwareVersion: claim.hardwareVersion,
                softwareVersion: claim.softwareVersion,
                credentialHash: credentialHash,
                pairedAt: now,
                lastSeen: existing?.lastSeen
            )
            try record.save(db)
            // The claim itself decides a race: only a code still unclaimed is claimed, and a
            // losing claim rolls back the device it saved.
            try db.execute(
                sql: "UPDATE pairing_request SET claimed_at = ?, device_id = ? WHERE id = ? AND claimed_at IS NULL",
                arguments: [now, record.id, pairing.id]
            )
            guard db.changesCount > 0 else { throw TetherError.pairingCodeUsed }
            try self.versionServerEdits(
                db,
                account: AccountID(rawValue: pairing.accountId),
                records: [SettingRecordID(.device, record.id)]
            )
            return try record.device()
        }
    }

    public func devices(account: AccountID) async throws -> [Device] {
        try await self.dbWriter.read { db in
            try DeviceRecord.filter(Column("account_id") == account.rawValue).order(Column("paired_at"), Column("id"))
                .fetchAll(db)
                .map { try $0.device() }
        }
    }

    public func device(id: DeviceID, account: AccountID) async throws -> Device? {
        try await self.dbWriter.read { db in try Self.ownedDevice(db, id: id, account: account)?.device() }
    }

    public func renameDevice(id: DeviceID, account: AccountID, name: String) async throws -> Device? {
        try await self.dbWriter.write { db in
            guard var record = try Self.ownedDevice(db, id: id, account: account) else { return nil }
            record.name = name
            try record.update(db)
            try self.versionServerEdits(db, account: account, records: [SettingRecordID(.device, id.rawValue)])
            return try record.device()
        }
    }

    public func removeDevice(id: DeviceID, account: AccountID) async throws -> Device? {
        try await self.dbWriter.write { db in
            guard let record = try Self.ownedDevice(db, id: id, account: account) else { return nil }
            // The synced records the removal changes, read before it: the device, its rules and
            // do-not-disturb values, its fences and windows, and the rules naming it as phone.
            let touched = try SettingsProjection.recordsTouched(db, byRemoving: id, account: account)
            try record.delete(db)
            // Devices measured against this phone go back to the account's freshest phone.
            try db.execute(
                sql: "UPDATE alert_scope SET phone_id = NULL WHERE account_id = ? AND phone_id = ?",
                arguments: [account.rawValue, id.rawValue]
            )
            try self.versionServerEdits(db, account: account, records: touched)
            return try record.device()
        }
    }

    public func device(credentialHash hash: String) async throws -> Device? {
        // The hot path of device authentication: a cached prepared statement on the unique index.
        try await self.dbWriter.read { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM device WHERE credential_hash = ?")
            return try DeviceRecord.fetchOne(statement, arguments: [hash])?.device()
        }
    }

    public func markSeen(device: DeviceID, at date: Date) async throws {
        try await self.dbWriter.write { db in
            try db.execute(sql: "UPDATE device SET last_seen = ? WHERE id = ?", arguments: [date, device.rawValue])
        }
    }

    private static func ownedDevice(_ db: Database, id: DeviceID, account: AccountID) throws -> DeviceRecord? {
        try DeviceRecord.filter(Column("id") == id.rawValue && Column("account_id") == account.rawValue).fetchOne(db)
    }
}
