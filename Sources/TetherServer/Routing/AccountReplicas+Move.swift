import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// Moving an account away (`protocols/sync.md`, "Moving an account"), as its old home.
extension AccountReplicas {
    /// How long a target may take to take an account in before it refuses to finish: well
    /// under the ``bulk`` client's timeout, so when the old home gives up waiting, the target
    /// has decided, and asking it tells the outcome.
    static let adoptDeadline: Duration = .seconds(60)

    /// Moves `account` to `target`: copies every record of it there (the residency policy does
    /// not apply: the owner asked), then has `target` check its copy against the records' hash
    /// and take the account in, authoring its directory entry above this region's. The caller
    /// deletes the account here afterwards.
    ///
    /// When the target's answer to the last step is lost (a timeout, a reset connection, a
    /// `5xx` from something in between), the directory entry tells whether it took the
    /// account in: here, where the target pushes it, or asked at the target.
    ///
    /// - Throws: the target's problem, and then the account stays here, whole (the copy sent
    ///   is removed again); `503 move_outcome_unknown` when the target cannot be asked.
    func move(
        _ account: AccountID,
        email: EmailAddress,
        to target: RegionDirectory.Region,
        moves: any AccountMoveStore,
        directoryRecords: any DirectoryStore,
        logger: Logger
    ) async throws -> Components.Schemas.AccountMoveReceipt {
        let hash = self.directory.key.emailHash(email)
        var sent: [AccountReplicaRecord] = []
        do {
            let floor = try await directoryRecords.directoryRecords(emailHashes: [hash]).first?.version
            sent = try await self.send(try await self.source.records(of: account), moving: account, to: target).sent
            guard let rows = try await moves.movingAccountRows(account: account) else {
                throw TetherError.unauthenticated
            }
            do {
                return try await self.bulk.adopt(
                    account,
                    from: self.region,
                    rootHash: RangeSummary(records: sent).root.hash.hex,
                    rows: try rows.encoded(),
                    directoryVersion: floor,
                    at: target
                )
            } catch let error as TetherError where error.code == "peer_unavailable" {
                switch await self.adopted(emailHash: hash, above: floor, at: target, directoryRecords: directoryRecords)
                {
                case true?:
                    logger.notice(
                        "the answer to a move was lost; the target's directory entry shows it took the account in",
                        metadata: ["tether.account.id": "\(account)", "tether.peer": "\(target.id)"]
                    )
                    return Self.receipt(account, rows: rows, sent: sent, at: target)
                case false?:
                    throw error
                case nil:
                    logger.error(
                        "a move's outcome is unknown: check whether its target holds the account",
                        metadata: ["tether.account.id": "\(account)", "tether.peer": "\(target.id)"]
                    )
                    throw TetherError(
                        code: "move_outcome_unknown",
                        kind: .unavailable,
                        detail: "Region \(target.id) took the account's copy but cannot be asked whether it took the "
                            + "account in; the account stays here for now. Try the move again later.",
                        retryAfterSeconds: 60
                    )
                }
            }
        } catch let error as TetherError where error.code == "move_outcome_unknown" {
            throw error
        } catch {
            await self.removeMovingCopy(of: account, at: target, logger: logger)
            throw error
        }
    }

    /// Whether `target` authored the entry `emailHash → target` above `floor`; `nil` when
    /// neither this region's directory shows it nor `target` answers (asked for about 15 s,
    /// as it may be restarting).
    private func adopted(
        emailHash: String,
        above floor: DirectoryVersion?,
        at target: RegionDirectory.Region,
        directoryRecords: any DirectoryStore
    ) async -> Bool? {
        func namesTarget(_ records: [DirectoryRecord]) -> Bool {
            records.contains { record in
                record.emailHash == emailHash && record.region == target.id && record.state == .confirmed
                    && floor.map { record.version > $0 } ?? true
            }
        }
        if let local = try? await directoryRecords.directoryRecords(emailHashes: [emailHash]), namesTarget(local) {
            return true
        }
        for pause in [1, 2, 4, 8] {
            if let remote = try? await self.peers.fetch(emailHashes: [emailHash], prefixes: [], at: target) {
                return namesTarget(remote.records)
            }
            try? await Task.sleep(for: .seconds(pause))
        }
        return nil
    }

    /// The receipt of a move whose target's own answer was lost, from what was sent.
    private static func receipt(
        _ account: AccountID,
        rows: AccountRows,
        sent: [AccountReplicaRecord],
        at target: RegionDirectory.Region
    ) -> Components.Schemas.AccountMoveReceipt {
        .init(
            accountId: account.rawValue,
            region: target.id.rawValue,
            url: target.url.absoluteString,
            devices: rows.tables["device"]?.count ?? 0,
            snapshots: sent.count { $0.kind == .snapshot },
            chunks: sent.count { $0.kind == .chunk }
        )
    }

    /// Removes the copy a failed move sent to `target` (which may be outside the residency
    /// policy); the account stays here.
    private func removeMovingCopy(of account: AccountID, at target: RegionDirectory.Region, logger: Logger) async {
        do {
            _ = try await self.peers.sendAccountRecords(
                [],
                deleteAccounts: [account],
                moving: account,
                from: self.region,
                to: target
            )
        } catch {
            logger.error(
                "the copy of a failed move could not be removed at its target; remove it there",
                metadata: [
                    "tether.account.id": "\(account)", "tether.peer": "\(target.id)", "tether.error": "\(error)",
                ]
            )
        }
    }
}
