import Foundation
public import TetherCore
public import TetherStore

extension AccountReplicaVault {
    /// Makes a moving account live here: checks that the records held of it hash to
    /// `rootHash` (what its old home holds), writes `rows` into the live tables, takes in its
    /// backups from the held records, and drops the held copy.
    ///
    /// `confirm` then authors the account's directory entry here (with its email). Any failure
    /// after the rows went in takes them out again.
    ///
    /// - Throws: `409 move_incomplete` when the copy differs from the old home's; `409
    ///   move_conflict` when its rows collide with this region's; `422 replica_invalid` when a
    ///   row is not the account's. Nothing is kept live then.
    public func adopt(
        account: AccountID,
        from home: RegionID,
        rootHash: String,
        rows: AccountRows,
        into backups: BackupVault,
        moves: any AccountMoveStore,
        confirm: (EmailAddress) async throws -> Void
    ) async throws {
        let held = try await self.store.replicaRecords(home: home).filter { $0.record.account == account }
        let summary = RangeSummary(records: held.map(\.record))
        guard summary.root.hash.hex == rootHash else {
            throw TetherError(
                code: "move_incomplete",
                kind: .conflict,
                field: "root_hash",
                detail: "The copy here (\(held.count) records) does not hash to the old home's; send the rest first."
            )
        }
        let email = try Self.checkedEmail(rows, of: account)
        try await moves.importMovedAccount(rows, home: self.region, at: self.clock())
        do {
            try await self.adoptBackups(account, from: home, held: held, into: backups)
            try await confirm(email)
        } catch {
            // Undo: the account stays at its old home, whole; its credentials point there.
            _ = try? await moves.removeMovedAccount(account, to: home, at: self.clock())
            try? await backups.deleteAll(account: account)
            throw error
        }
        // The account is live here now: nothing after this may fail the move. A held copy left
        // by a failure goes with the old home's next round (or stays, unread, if this region
        // holds no replicas of it).
        _ = try? await self.apply(home: home, payloads: [], deleteAccounts: [account])
    }

    /// The account's email, after checking that every row is the account's own and every
    /// column name a plain identifier.
    ///
    /// - Throws: `422 replica_invalid` for `rows` naming what is wrong.
    public static func checkedEmail(_ rows: AccountRows, of account: AccountID) throws(TetherError) -> EmailAddress {
        guard let accountRows = rows.tables["account"], accountRows.count == 1,
            case .text(let id)? = accountRows[0]["id"], id == account.rawValue,
            case .text(let address)? = accountRows[0]["email"], let email = try? EmailAddress(address)
        else { throw .replicaInvalid(field: "rows", "The rows must hold exactly the moving account, with its email.") }
        for (table, tableRows) in rows.tables {
            for row in tableRows {
                if let owner = row["account_id"], owner != .text(account.rawValue) {
                    throw .replicaInvalid(field: "rows", "A row of \(table) belongs to another account.")
                }
                for column in row.keys where !column.utf8.allSatisfy({ $0 == 0x5F || (0x61...0x7A).contains($0) }) {
                    throw .replicaInvalid(field: "rows", "\(table) has a column named \"\(column)\".")
                }
            }
        }
        // Rows that name a device or an alert name one of the account's own, not another
        // account's held here.
        let devices = Set((rows.tables["device"] ?? []).compactMap { $0["id"] })
        let alerts = Set((rows.tables["alert"] ?? []).compactMap { $0["id"] })
        for (table, tableRows) in rows.tables {
            for row in tableRows {
                if table != "device", let device = row["device_id"], device != .null, !devices.contains(device) {
                    throw .replicaInvalid(field: "rows", "A row of \(table) names a device the account does not have.")
                }
                if table != "alert", let alert = row["alert_id"], alert != .null, !alerts.contains(alert) {
                    throw .replicaInvalid(field: "rows", "A row of \(table) names an alert the account does not have.")
                }
            }
        }
        return email
    }

    /// Takes the held backup records of the account into `backups`.
    private func adoptBackups(
        _ account: AccountID,
        from home: RegionID,
        held: [StoredAccountReplica],
        into backups: BackupVault
    ) async throws {
        if held.contains(where: { $0.record.kind == .dataKey }) {
            var keys: [AccountID: AccountDataKey] = [:]
            let key = try await self.dataKey(account, of: home, cached: &keys, field: "data_key")
            var chunks: [(id: String, size: Int, box: Data)] = []
            var snapshots: [ReplicatedSnapshot] = []
            for stored in held {
                switch stored.record.kind {
                case .chunk:
                    guard
                        let box = try await self.blobs.get(account: Self.shelf(home, account), key: stored.record.name),
                        let size = Int(stored.record.version)
                    else { throw TetherError.backupCorrupt("replica of chunk \(stored.record.name)") }
                    chunks.append((stored.record.name, size, box))
                case .snapshot:
                    guard
                        let full = try await self.store.replicaRecord(
                            home: home,
                            account: account,
                            kind: .snapshot,
                            name: stored.record.name
                        ), let payload = full.payload
                    else { continue }
                    snapshots.append(try ReplicatedSnapshot.decode(payload))
                case .settings, .dataKey:
                    continue
                }
            }
            try await backups.adopt(account: account, dataKey: key, chunks: chunks, snapshots: snapshots)
        }
    }
}
