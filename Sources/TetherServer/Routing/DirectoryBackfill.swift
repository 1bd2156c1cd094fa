import Logging
import TetherCore
import TetherStore
import TetherSync

/// Once at start, lists every account of this region that its account directory does not know,
/// so an email registered before the directory existed is refused when a peer asks to reserve
/// it. Idempotent: accounts already listed keep their version, and an entry naming another
/// region is never overruled. A server that runs alone keeps no directory and
/// skips it.
struct DirectoryBackfill: Sendable {
    let routing: RegionRouting
    let store: any DirectoryStore & AccountStore
    /// Where accounts the directory names another region for are closed as strays.
    let moves: AccountMoves
    let logger: Logger
    /// Accounts per transaction.
    var pageSize = 1_000

    /// The `directory-backfill` job: one pass at start; `nil` for a server that runs alone.
    func job(clock: any Clock<Duration>) -> PeriodicJob? {
        guard self.routing.keepsDirectory else { return nil }
        return PeriodicJob(
            name: BackgroundJobs.Name.directoryBackfill.rawValue,
            schedule: .onceAtStart,
            clock: clock,
            logger: self.logger,
            pass: { await self.listEveryAccount() }
        )
    }

    private func listEveryAccount() async {
        var after: String?
        var listed = 0
        do {
            while true {
                let emails = try await self.store.accountEmails(after: after, limit: self.pageSize)
                guard let last = emails.last else { break }
                // Only accounts the directory does not know: an entry naming another region (a
                // leftover of a move that stopped short here) or a tombstone is not overruled.
                let hashes = emails.map { self.routing.directory.key.emailHash($0) }
                let records = try await self.store.directoryRecords(emailHashes: hashes)
                try await self.closeStrays(among: emails, hashes: hashes, records: records)
                // And this region's own records that are not signed (authored before peer
                // protocol 2): authored again, signed, at a new version that replaces every
                // peer's unsigned copy.
                let known = Set(records.filter { !self.needsSigning($0) }.map(\.emailHash))
                let written = try await self.store.authorDirectoryRecords(
                    emailHashes: hashes.filter { !known.contains($0) },
                    region: self.routing.region,
                    state: .confirmed,
                    now: self.routing.clock(),
                    floor: nil,
                    sign: self.routing.signer
                )
                listed += written.count
                after = last.value
            }
            let tombstones = try await self.signOwnTombstones()
            self.logger.info(
                "account directory up to date",
                metadata: ["tether.accounts.listed": "\(listed)", "tether.tombstones.signed": "\(tombstones)"]
            )
        } catch {
            self.logger.error("account directory backfill failed", metadata: ["tether.error": "\(error)"])
        }
    }

    /// Authors again, signed, this region's tombstones authored before peer protocol 2, so its
    /// peers take the deletion (they drop a keyed home's unsigned records). The new version
    /// dates the tombstone anew: it is kept one retention period from the upgrade (those past
    /// their retention are left to be purged).
    /// - Returns: how many were signed.
    private func signOwnTombstones() async throws -> Int {
        guard self.routing.signer != nil else { return 0 }
        var after: String?
        var signed = 0
        while true {
            let page = try await self.store.directoryRecords(
                prefixes: [""],
                tombstoneCutoff: self.routing.replica.tombstoneCutoff(),
                after: after,
                limit: self.pageSize
            )
            guard let last = page.last else { return signed }
            let unsigned = page.filter { $0.state == .deleted && self.needsSigning($0) }.map(\.emailHash)
            if !unsigned.isEmpty {
                signed +=
                    try await self.store.authorDirectoryRecords(
                        emailHashes: unsigned,
                        region: self.routing.region,
                        state: .deleted,
                        now: self.routing.clock(),
                        floor: nil,
                        sign: self.routing.signer
                    ).count
            }
            after = last.emailHash
        }
    }

    /// Closes the accounts held here whose directory entry is confirmed for another region:
    /// copies a move left behind (``AccountMoves/markStray(_:home:)``).
    private func closeStrays(among emails: [EmailAddress], hashes: [String], records: [DirectoryRecord]) async throws {
        let elsewhere = Dictionary(
            records.filter { $0.state == .confirmed && $0.region != self.routing.region }.map {
                ($0.emailHash, $0.region)
            },
            uniquingKeysWith: { first, _ in first }
        )
        guard !elsewhere.isEmpty else { return }
        for (email, hash) in zip(emails, hashes) {
            guard let region = elsewhere[hash].flatMap(self.routing.directory.region),
                let account = try await self.store.accountForSignIn(email: email)?.account
            else { continue }
            self.moves.markStray(account.id, home: region)
            self.logger.warning(
                "account held here but homed in another region; closed (a move left it behind): remove it here",
                metadata: ["tether.account.id": "\(account.id)", "tether.region": "\(region.id)"]
            )
        }
    }

    /// Whether `record` is this region's own and unsigned while this region signs.
    private func needsSigning(_ record: DirectoryRecord) -> Bool {
        record.region == self.routing.region && record.signature == nil && self.routing.signer != nil
    }
}
