import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// Moving an account away (`protocols/sync.md`, "Moving an account"), as its old home.
extension AccountReplicas {
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
    ///   is removed again); ``MoveInDoubt`` when the target cannot be asked in time.
    func move(
        _ account: AccountID,
        email: EmailAddress,
        to target: RegionDirectory.Region,
        moves: any AccountMoveStore,
        directoryRecords: any DirectoryStore,
        logger: Logger
    ) async throws -> Components.Schemas.AccountMoveReceipt {
        let hash = self.directory.key.emailHash(email)
        do {
            let floor = try await directoryRecords.directoryRecords(emailHashes: [hash]).first?.version
            let sent = try await self.send(try await self.source.records(of: account), moving: account, to: target).sent
            guard let records = try await moves.movingAccountRecords(account: account) else {
                throw TetherError.unauthenticated
            }
            do {
                return try await self.bulk.adopt(
                    account,
                    from: self.region,
                    rootHash: RangeSummary(records: sent).root.hash.hex,
                    accountRecords: try records.encoded(),
                    directoryVersion: floor,
                    at: target
                )
            } catch let error as TetherError where error.code == TetherError.peerUnavailable(target.id).code {
                let doubt = MoveInDoubt(
                    account: account,
                    emailHash: hash,
                    floor: floor,
                    target: target,
                    decidedBy: .now + self.moveDeadline + .seconds(5),
                    receipt: Self.receipt(account, records: records, sent: sent, at: target)
                )
                switch await self.outcome(
                    of: doubt,
                    directoryRecords: directoryRecords,
                    askingFor: self.outcomePatience
                ) {
                case true?:
                    logger.notice(
                        "the answer to a move was lost; the target's directory entry shows it took the account in",
                        metadata: ["tether.account.id": "\(account)", "tether.peer": "\(target.id)"]
                    )
                    return doubt.receipt
                case false?:
                    throw error
                case nil:
                    throw doubt
                }
            }
        } catch let doubt as MoveInDoubt {
            throw doubt
        } catch {
            await self.removeMovingCopy(of: account, at: target, logger: logger)
            throw error
        }
    }

    /// Whether the move in doubt happened: the target authored `emailHash → target` above the
    /// old entry (seen here, where it pushes it, or asked at the target). "No" only once the
    /// target must have decided (``MoveInDoubt/decidedBy``); `nil` when that is not known
    /// within `patience`.
    func outcome(
        of doubt: MoveInDoubt,
        directoryRecords: any DirectoryStore,
        askingFor patience: Duration
    ) async -> Bool? {
        func namesTarget(_ records: [DirectoryRecord]) -> Bool {
            records.contains { record in
                record.emailHash == doubt.emailHash && record.region == doubt.target.id
                    && record.state == .confirmed && doubt.floor.map { record.version > $0 } ?? true
            }
        }
        let giveUp = ContinuousClock.now + patience
        while true {
            if let local = try? await directoryRecords.directoryRecords(emailHashes: [doubt.emailHash]),
                namesTarget(local)
            {
                return true
            }
            if let remote = try? await self.peers.fetch(emailHashes: [doubt.emailHash], prefixes: [], at: doubt.target)
            {
                if namesTarget(remote.records) { return true }
                if ContinuousClock.now >= doubt.decidedBy { return false }
            }
            guard ContinuousClock.now < giveUp else { return nil }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The receipt of a move whose target's own answer was lost, from what was sent.
    private static func receipt(
        _ account: AccountID,
        records: AccountRecords,
        sent: [AccountReplicaRecord],
        at target: RegionDirectory.Region
    ) -> Components.Schemas.AccountMoveReceipt {
        .init(
            accountId: account.rawValue,
            region: target.id.rawValue,
            url: target.url.absoluteString,
            devices: records[.devices].count,
            snapshots: sent.count { $0.kind == .snapshot },
            chunks: sent.count { $0.kind == .chunk }
        )
    }

    /// Removes the copy a failed move sent to `target` (which may be outside the residency
    /// policy); the account stays here.
    func removeMovingCopy(of account: AccountID, at target: RegionDirectory.Region, logger: Logger) async {
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

/// A move whose target's answer to its last step was lost and could not be learned in time:
/// the account may live at the target already, so it stays closed here until
/// ``AccountReplicas/outcome(of:directoryRecords:askingFor:)`` tells.
struct MoveInDoubt: Error {
    let account: AccountID
    let emailHash: String
    /// The directory entry's version before the move.
    let floor: DirectoryVersion?
    let target: RegionDirectory.Region
    /// When the target has certainly finished or refused (its deadline, from before the answer
    /// was lost, and a margin).
    let decidedBy: ContinuousClock.Instant
    /// What the move's receipt is, if it happened.
    let receipt: Components.Schemas.AccountMoveReceipt

    /// What the owner is told meanwhile.
    var problem: TetherError {
        .moveOutcomeUnknown(self.target.id)
    }
}
