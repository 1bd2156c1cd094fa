import Foundation
import Logging
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// Moving an account to another home region (`tether account move`, `protocols/sync.md`).
extension TetherAPIHandler {
    func moveAccount(_ input: Operations.MoveAccount.Input) async throws -> Operations.MoveAccount.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let target = try self.knownRegion(body.region)
        guard target != self.routing.region else {
            throw TetherError.invalidField("region", "is the account's home already")
        }
        let replicas = try self.accountReplicas()
        guard let account = try await self.store.account(id: session.account),
            let region = self.routing.directory.region(target)
        else { throw TetherError.unauthenticated }
        // From here on the account's other requests wait (503), and the writes already admitted
        // finish first: nothing written after the copy could be lost with the old copy.
        let ownWrites = RequestScope.current.writes?.count(for: session.account) ?? 0
        try await self.moves.begin(session.account, ownWrites: ownWrites)
        let receipt: Components.Schemas.AccountMoveReceipt
        do {
            receipt = try await replicas.move(
                session.account,
                email: account.email,
                to: region,
                moves: self.store,
                directoryRecords: self.store,
                logger: self.logger
            )
        } catch let doubt as MoveInDoubt {
            // The account may live there already: it stays closed here until that is known.
            self.logger.error(
                "a move's outcome is unknown; the account stays closed until its target answers",
                metadata: ["tether.account.id": "\(session.account)", "tether.peer": "\(target)"]
            )
            self.moves.holdInDoubt(doubt)
            throw doubt.problem
        } catch {
            self.moves.end(session.account)
            throw error
        }
        // The new home holds the account and the directory names it: from here on the account
        // never opens here again.
        try await self.finishMove(of: session.account, to: target, replicas: replicas)
        self.logger.info(
            "account moved",
            metadata: [
                "tether.account.id": "\(session.account)", "tether.region": "\(target)",
                "tether.devices": "\(receipt.devices)", "tether.chunks": "\(receipt.chunks)",
            ]
        )
        return .ok(.init(body: .json(receipt)))
    }

    /// Deletes the moved account here and routes its credentials to `target`. Should the
    /// deletion fail, the account stays closed (and the failure is logged): it lives at `target`.
    private func finishMove(of account: AccountID, to target: RegionID, replicas: AccountReplicas) async throws {
        do {
            _ = try await self.store.removeMovedAccount(account, to: target, at: self.now)
        } catch {
            self.logger.error(
                "a moved account could not be deleted at its old home; it stays closed here",
                metadata: ["tether.account.id": "\(account)", "tether.region": "\(target)", "tether.error": "\(error)"]
            )
            throw error
        }
        self.moves.end(account)
        await self.alerts.forget(account: account)
        do {
            try await self.deleteAccountBackups(account)
        } catch {
            self.logger.error(
                "a moved account's backups could not be deleted at its old home; remove them",
                metadata: ["tether.account.id": "\(account)", "tether.error": "\(error)"]
            )
        }
        await replicas.pushDeletion(of: account, logger: self.logger)
    }

    /// One pass of the `move-check` job: asks the target of each move in doubt once how it
    /// ended, then finishes it here or opens the account again; a move still unknown waits for
    /// the next pass (``ServerConfig/moveCheckInterval``).
    func checkMovesInDoubt() async {
        guard let replicas = self.replicas else { return }
        for doubt in self.moves.movesInDoubt {
            switch await replicas.outcome(of: doubt, directoryRecords: self.store, askingFor: .zero) {
            case true?:
                self.logger.notice("a move in doubt happened", metadata: ["tether.account.id": "\(doubt.account)"])
                self.moves.settled(doubt.account)
                try? await self.finishMove(of: doubt.account, to: doubt.target.id, replicas: replicas)
            case false?:
                self.logger.notice(
                    "a move in doubt did not happen",
                    metadata: ["tether.account.id": "\(doubt.account)"]
                )
                self.moves.settled(doubt.account)
                await replicas.removeMovingCopy(of: doubt.account, at: doubt.target, logger: self.logger)
                self.moves.end(doubt.account)
            case nil:
                continue
            }
        }
    }

    func adoptAccount(_ input: Operations.AdoptAccount.Input) async throws -> Operations.AdoptAccount.Output {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let home = try self.knownRegion(body.home)
        try self.requirePeer(actingFor: home, field: "home")
        let account = try Self.accountID(body.account, field: "account")
        let records: AccountRecords
        do {
            records = try AccountRecords.decode(Array(body.accountRecords.data), for: .move)
        } catch {
            throw TetherError.replicaInvalid(field: "account_records", "\(error.path) \(error.problem).")
        }
        // Only the account's current home moves it out: this region's directory names it.
        let email = try AccountReplicaVault.checkedEmail(records, of: account)
        let hash = self.routing.directory.key.emailHash(email)
        guard try await self.store.directoryEntry(emailHash: hash, now: self.now)?.region == home else {
            throw TetherError.peerNotAuthority(home, field: "account", "is not the account's home in this directory")
        }
        let replicas = try self.accountReplicas()
        let backups = try self.vault()
        // One move of an account in at a time (`409 move_in_progress`): a retried move must not
        // take the records of one still running for leftovers.
        try await self.moves.begin(account, ownWrites: 0)
        defer { self.moves.end(account) }
        try await self.removeLeftoverOfAnEarlierMove(account, home: home, backups: backups)
        // Past the deadline the old home may have given up waiting: refuse to finish, so the
        // directory entry it then asks for tells the outcome (`AccountReplicas+Move.swift`).
        let deadline = ContinuousClock.now.advanced(by: replicas.moveDeadline)
        try await replicas.vault.adopt(
            account: account,
            from: home,
            rootHash: body.rootHash,
            records: records,
            into: backups,
            moves: self.store
        ) { email in
            guard ContinuousClock.now < deadline else { throw TetherError.moveExpired }
            try await self.routing.confirm(email, above: body.directoryVersion.map(DirectoryVersion.init(rawValue:)))
        }
        self.logger.info("account moved in", metadata: ["tether.account.id": "\(account)", "tether.from": "\(home)"])
        return .ok(
            .init(
                body: .json(
                    .init(
                        accountId: account.rawValue,
                        region: self.routing.region.rawValue,
                        url: self.routing.directory.region(self.routing.region)?.url.absoluteString ?? "",
                        devices: records[.devices].count,
                        // Counted after the account went live here: a failure must not fail the move.
                        snapshots: (try? await backups.snapshots(account: account).count) ?? 0,
                        chunks: (try? await self.store.backupChunks(account: account).count) ?? 0
                    )
                )
            )
        )
    }

    /// Removes what an earlier move of `account` into this region left when it stopped short
    /// (this region crashed after taking the records in, before authoring the directory entry):
    /// no entry names this region for it, so no client was sent to them, and they would
    /// collide with the move's (`409 move_conflict`).
    private func removeLeftoverOfAnEarlierMove(
        _ account: AccountID,
        home: RegionID,
        backups: BackupVault
    ) async throws {
        guard let leftover = try await self.store.account(id: account) else { return }
        let hash = self.routing.directory.key.emailHash(leftover.email)
        let entry = try await self.store.directoryRecords(emailHashes: [hash]).first
        guard entry?.region != self.routing.region || entry?.state != .confirmed else { return }
        _ = try await self.store.removeMovedAccount(account, to: home, at: self.now)
        try await backups.deleteAll(account: account)
        self.moves.clearStray(account)
        self.logger.notice(
            "removed the leftover of an earlier move that stopped short",
            metadata: ["tether.account.id": "\(account)", "tether.from": "\(home)"]
        )
    }
}
