import Foundation
public import TetherCore
public import TetherStore

extension AccountReplicaVault {
    /// Makes a moving account live here: checks that the records held of it hash to
    /// `rootHash` (what its old home holds), stores its `records`, takes in its
    /// backups from the held records, and drops the held copy.
    ///
    /// `confirm` then authors the account's directory entry here (with its email). Any failure
    /// after the rows went in takes them out again.
    ///
    /// - Throws: `409 move_incomplete` when the copy differs from the old home's; `409
    ///   move_conflict` when its records collide with this region's; `422 replica_invalid` when
    ///   the records are not the account's. Nothing is kept live then.
    public func adopt(
        account: AccountID,
        from home: RegionID,
        rootHash: String,
        records: AccountRecords,
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
        let email = try Self.checkedEmail(records, of: account)
        try await moves.importMovedAccount(records, home: self.region, at: self.clock())
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

    /// The account's email, after checking that the records are the moving account's and that
    /// every device and alert they name is one of its own.
    ///
    /// - Throws: `422 replica_invalid` for `account_records`, naming what is wrong.
    public static func checkedEmail(
        _ records: AccountRecords,
        of account: AccountID
    ) throws(TetherError) -> EmailAddress {
        guard records.accountID == account, let address = records.email, let email = try? EmailAddress(address)
        else {
            throw .replicaInvalid(
                field: "account_records",
                "The records must hold exactly the moving account, with its email."
            )
        }
        do {
            try records.checkReferences()
        } catch {
            throw .replicaInvalid(field: "account_records", "\(error.path) \(error.problem).")
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
