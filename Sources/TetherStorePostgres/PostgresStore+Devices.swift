public import Foundation
import PostgresNIO
public import TetherCore
import TetherStore

/// ``DeviceStore`` on PostgreSQL.
extension PostgresStore {
    public func createPairingRequest(_ request: PairingRequest, limit: SlidingWindowLimit?) async throws -> Bool {
        try await self.pool.transaction { connection in
            if let limit {
                // The account's lock: no other request of the account counts or inserts until
                // this one commits, so N concurrent requests at a limit of L store exactly L.
                try await connection.lockForTransaction(["pairing-account:\(request.account.rawValue)"])
                try await Self.checkPairingLimit(connection, limit, request: request)
            }
            // The unique code digest decides a clash: the insert itself, not a read before it.
            let inserted = try await connection.execute(
                """
                INSERT INTO pairing_request (id, account_id, code_hash, created_at, expires_at, claimed_at, device_id)
                VALUES (
                    \(request.id.rawValue), \(request.account.rawValue), \(request.codeHash), \(request.createdAt),
                    \(request.expiresAt), \(request.claimedAt), \(request.claimedBy?.rawValue)
                )
                ON CONFLICT (code_hash) DO NOTHING
                """,
                logger: connection.logger
            )
            return inserted > 0
        }
    }

    /// Throws ``TetherError/pairingRateLimited(limitPerHour:retryAfterSeconds:)`` when the
    /// account's window is full at the request's time.
    private static func checkPairingLimit(
        _ connection: PostgresConnection,
        _ limit: SlidingWindowLimit,
        request: PairingRequest
    ) async throws {
        let (account, windowStart) = (request.account.rawValue, limit.windowStart(endingAt: request.createdAt))
        // Counting first: the times are needed only when the window is full (an owner pairing a
        // fleet would otherwise read all its recent codes for each new one).
        let count = try await connection.first(
            "SELECT count(*) FROM pairing_request WHERE account_id = \(account) AND created_at > \(windowStart)",
            { try $0.decode(Int.self) }
        )
        guard count ?? 0 >= limit.limit else { return }
        let recent = try await connection.all(
            "SELECT created_at FROM pairing_request WHERE account_id = \(account) AND created_at > \(windowStart)",
            { try $0.decode(Date.self) }
        )
        if case .refused(let retryAfter) = limit.decide(recent: recent, now: request.createdAt) {
            throw TetherError.pairingRateLimited(limitPerHour: limit.limit, retryAfterSeconds: retryAfter)
        }
    }

    public func pairingRequest(id: PairingID, account: AccountID) async throws -> PairingRequest? {
        try await self.fetchOne(
            """
            SELECT \(unescaped: PostgresAccountRows.pairingColumns) FROM pairing_request
            WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
            """,
            PostgresAccountRows.pairingRequest
        )
    }

    public func pairingRequest(codeHash: String) async throws -> PairingRequest? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.pairingColumns) FROM pairing_request WHERE code_hash = \(codeHash)",
            PostgresAccountRows.pairingRequest
        )
    }

    public func claimPairingCode(
        codeHash: String,
        claim: DeviceClaim,
        credentialHash: String,
        now: Date
    ) async throws -> Device {
        try await self.pool.transaction { connection in
            guard
                let pairing = try await connection.first(
                    """
                    SELECT \(unescaped: PostgresAccountRows.pairingColumns) FROM pairing_request
                    WHERE code_hash = \(codeHash)
                    """,
                    PostgresAccountRows.pairingRequest
                )
            else { throw TetherError.pairingCodeNotFound }
            switch pairing.state(at: now) {
            case .claimed: throw TetherError.pairingCodeUsed
            case .expired: throw TetherError.pairingCodeExpired
            case .pending: break
            }
            // The account's settings lock (the device's name is a synced field), then the
            // serial's: a concurrent pairing of the same serial waits, then finds this device
            // (re-pairing it, or refusing another account).
            let settings = try await Self.lockSettings(connection, account: pairing.account, logger: connection.logger)
            try await connection.lockForTransaction(["device-serial:\(claim.serial)"])
            let existing = try await connection.first(
                "SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device WHERE serial = \(claim.serial)",
                PostgresAccountRows.device
            )
            if let existing, existing.owner != pairing.account {
                throw TetherError.serialTaken
            }
            // A serial the same account already owns is re-paired: same id, new credential.
            let device = Device(
                id: existing?.id ?? DeviceID.random(),
                owner: pairing.account,
                serial: claim.serial,
                model: claim.model,
                kind: claim.kind,
                name: existing?.name ?? claim.name,
                hardwareVersion: claim.hardwareVersion,
                softwareVersion: claim.softwareVersion,
                pairedAt: now,
                lastSeen: existing?.lastSeen
            )
            try await Self.saveDevice(connection, device, credentialHash: credentialHash)
            // The claim itself decides a race: only a code still unclaimed is claimed (a second
            // claim waits for the first to commit, then finds it claimed), and a losing claim
            // rolls back the device it saved.
            let claimed = try await connection.execute(
                """
                UPDATE pairing_request SET claimed_at = \(now), device_id = \(device.id.rawValue)
                WHERE id = \(pairing.id.rawValue) AND claimed_at IS NULL
                """,
                logger: connection.logger
            )
            guard claimed > 0 else { throw TetherError.pairingCodeUsed }
            try await self.versionServerEdits(
                connection,
                settings,
                records: [SettingRecordID(.device, device.id.rawValue)],
                logger: connection.logger
            )
            return device
        }
    }

    /// Inserts `device`, or replaces every column of the device with its id (a re-pairing).
    private static func saveDevice(
        _ connection: PostgresConnection,
        _ device: Device,
        credentialHash: String
    )
        async throws
    {
        try await connection.execute(
            """
            INSERT INTO device (
                id, account_id, serial, model, kind, name, hardware_version, software_version, credential_hash,
                paired_at, last_seen
            ) VALUES (
                \(device.id.rawValue), \(device.owner.rawValue), \(device.serial), \(device.model),
                \(device.kind.rawValue), \(device.name), \(device.hardwareVersion), \(device.softwareVersion),
                \(credentialHash), \(device.pairedAt), \(device.lastSeen)
            )
            ON CONFLICT (id) DO UPDATE SET
                account_id = excluded.account_id, serial = excluded.serial, model = excluded.model,
                kind = excluded.kind, name = excluded.name, hardware_version = excluded.hardware_version,
                software_version = excluded.software_version, credential_hash = excluded.credential_hash,
                paired_at = excluded.paired_at, last_seen = excluded.last_seen
            """,
            logger: connection.logger
        )
    }

    public func devices(account: AccountID) async throws -> [Device] {
        try await self.fetchAll(
            """
            SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device
            WHERE account_id = \(account.rawValue) ORDER BY paired_at, id
            """,
            PostgresAccountRows.device
        )
    }

    public func device(id: DeviceID, account: AccountID) async throws -> Device? {
        try await self.fetchOne(
            """
            SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device
            WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
            """,
            PostgresAccountRows.device
        )
    }

    public func renameDevice(id: DeviceID, account: AccountID, name: String) async throws -> Device? {
        try await self.pool.transaction { connection in
            let settings = try await Self.lockSettings(connection, account: account, logger: connection.logger)
            guard
                let device = try await connection.first(
                    """
                    UPDATE device SET name = \(name) WHERE id = \(id.rawValue) AND account_id = \(account.rawValue)
                    RETURNING \(unescaped: PostgresAccountRows.deviceColumns)
                    """,
                    PostgresAccountRows.device
                )
            else { return nil }
            try await self.versionServerEdits(
                connection,
                settings,
                records: [SettingRecordID(.device, id.rawValue)],
                logger: connection.logger
            )
            return device
        }
    }

    public func removeDevice(id: DeviceID, account: AccountID) async throws -> Device? {
        try await self.pool.transaction { connection in
            let settings = try await Self.lockSettings(connection, account: account, logger: connection.logger)
            guard
                let device = try await connection.first(
                    """
                    SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device
                    WHERE id = \(id.rawValue) AND account_id = \(account.rawValue) FOR UPDATE
                    """,
                    PostgresAccountRows.device
                )
            else { return nil }
            // The synced records the removal changes, read before it.
            let touched = try await PostgresSettingsProjection.recordsTouched(
                connection,
                byRemoving: id,
                account: account,
                logger: connection.logger
            )
            // Foreign keys cascade to the device's telemetry, alerts, rules, fences and windows;
            // its pairing code stays claimed, without a device.
            try await connection.execute("DELETE FROM device WHERE id = \(id.rawValue)", logger: connection.logger)
            // Devices measured against this phone go back to the account's freshest phone.
            try await connection.execute(
                "UPDATE alert_scope SET phone_id = NULL WHERE account_id = \(account.rawValue) AND phone_id = \(id.rawValue)",
                logger: connection.logger
            )
            try await self.versionServerEdits(connection, settings, records: touched, logger: connection.logger)
            return device
        }
    }

    public func device(credentialHash hash: String) async throws -> Device? {
        try await self.fetchOne(
            "SELECT \(unescaped: PostgresAccountRows.deviceColumns) FROM device WHERE credential_hash = \(hash)",
            PostgresAccountRows.device
        )
    }

    public func markSeen(device: DeviceID, at date: Date) async throws {
        try await self.write("UPDATE device SET last_seen = \(date) WHERE id = \(device.rawValue)")
    }
}
