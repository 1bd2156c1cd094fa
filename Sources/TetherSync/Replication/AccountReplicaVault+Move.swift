import Foundation
public import TetherCore
public import TetherStore

extension AccountReplicaVault {
    /// Makes a moving account live here: checks that the records held of it hash to
    /// `rootHash` (what its old home holds), writes `rows` into the live tables, takes in its
    /// backups from the held records, and drops the held copy.
    ///
    /// - Returns: the account's email, for the directory entry the new home authors.
    /// - Throws: `409 move_incomplete` when the copy differs from the old home's; `409
    ///   move_conflict` when its rows collide with this region's. Nothing is kept live then.
    public func adopt(
        account: AccountID,
        from home: RegionID,
        rootHash: String,
        rows: AccountRows,
        into backups: BackupVault,
        moves: any AccountMoveStore
    ) async throws -> EmailAddress {
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
        guard case .text(let address)? = rows.tables["account"]?.first?["email"],
            let email = try? EmailAddress(address)
        else { throw TetherError.replicaInvalid(field: "rows", "The rows hold no account with an email.") }

        try await moves.importMovedAccount(rows, home: self.region, at: self.clock())
        if held.contains(where: { $0.record.kind == .dataKey }) {
            var keys: [AccountID: AccountDataKey] = [:]
            let key = try await self.dataKey(account, cached: &keys, field: "data_key")
            var chunks: [(id: String, size: Int, box: Data)] = []
            var snapshots: [ReplicatedSnapshot] = []
            for stored in held {
                switch stored.record.kind {
                case .chunk:
                    guard let box = try await self.blobs.get(account: account, key: stored.record.name),
                        let size = Int(stored.record.version)
                    else { throw TetherError.backupCorrupt("replica of chunk \(stored.record.name)") }
                    chunks.append((stored.record.name, size, box))
                case .snapshot:
                    guard
                        let full = try await self.store.replicaRecord(
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
        _ = try await self.apply(home: home, payloads: [], deleteAccounts: [account])
        return email
    }
}
