import Foundation
import Logging
import TetherCore
import TetherGeo
import TetherStore
import TetherSync

/// Where accounts live and how this region server sends a request home: the home region of a
/// new account, the region a credential names, and the account directory shared with peers.
///
/// A server that runs alone (no `--regions`) is home to everything, has no peers and keeps no
/// directory: its directory key is random per start, so entries would be unreadable after a
/// restart, and its account table alone keeps emails unique.
struct RegionRouting: Sendable {
    /// How long a peer holds a reservation that its home region never confirmed.
    static let reservationLifetime: Duration = .seconds(600)

    let region: RegionID
    let directory: RegionDirectory
    let store: any DirectoryStore
    /// Where moved accounts' credentials are routed.
    let credentials: any AccountMoveStore
    let peers: PeerDirectoryClient
    let clock: @Sendable () -> Date
    /// Whether a region directory file is configured, so the account directory is kept.
    let keepsDirectory: Bool
    /// The replicated directory: its summary, and what replication exchanged.
    let replica: DirectoryReplica
    /// Signs the directory records this region authors; `nil` without region keys.
    let signer: (@Sendable (DirectoryRecord) -> Data)?

    init(config: ServerConfig, store: any DirectoryStore & AccountMoveStore, peers: PeerDirectoryClient) {
        self.region = config.region
        self.directory = config.directory
        self.store = store
        self.credentials = store
        self.peers = peers
        self.replica = DirectoryReplica(
            region: config.region,
            directory: config.directory,
            store: store,
            retention: config.directoryTombstoneRetention,
            clock: config.clock
        )
        self.clock = config.clock
        self.keepsDirectory = config.regions != nil
        self.signer = DirectoryRecordSignature.signer(config.regionKeyring)
    }

    /// The region a new account belongs to: the chosen region, else the one serving the phone's
    /// location, else this one.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for a `region` the directory does not list.
    func homeRegion(for hint: SignupHint) throws(TetherError) -> RegionDirectory.Region {
        if let requested = hint.requestedRegion {
            guard let region = self.directory.region(requested) else {
                throw .invalidField("region", "\"\(requested)\" is not a region of this deployment")
            }
            return region
        }
        if let location = hint.location {
            return self.directory.homeRegion(
                for: Coordinate(uncheckedLatitude: location.latitude, longitude: location.longitude)
            )
        }
        return self.directory.region(self.region)!
    }

    /// Throws `421 wrong_region` when `region` is not this server's.
    func requireHome(_ region: RegionDirectory.Region) throws(TetherError) {
        guard region.id != self.region else { return }
        throw .wrongRegion(home: region.id, url: region.url.absoluteString)
    }

    /// Throws `421 wrong_region` when `token` was issued by another region of the directory,
    /// unless its account moved here (``AccountMoveStore/credentialRoute(tokenHash:)``).
    func requireIssuedHere(_ token: SecretToken) async throws {
        guard let issuer = token.region(where: { self.directory.region($0) != nil }), issuer != self.region
        else { return }
        let routed = try await self.credentials.credentialRoute(tokenHash: token.digest) ?? issuer
        guard let home = self.directory.region(routed) else { return }
        try self.requireHome(home)
    }

    /// Throws `421 wrong_region` when `token`'s account moved from here to another region
    /// (a credential this region issued and no longer knows).
    func requireNotMovedAway(_ token: String) async throws {
        guard let moved = try await self.credentials.credentialRoute(tokenHash: SecretToken.digest(of: token)),
            let home = self.directory.region(moved)
        else { return }
        try self.requireHome(home)
    }

    /// Throws `421 wrong_region` when the directory lists `email` in another region.
    func requireNotElsewhere(_ email: EmailAddress) async throws {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        guard let entry = try await self.store.directoryEntry(emailHash: hash, now: self.clock()),
            entry.region != self.region, let home = self.directory.region(entry.region)
        else { return }
        throw TetherError.wrongRegion(home: home.id, url: home.url.absoluteString)
    }

    /// Reserves `email` for this region here and at every peer, so no other region can register
    /// it meanwhile. On any refusal every reservation made is released again.
    ///
    /// - Returns: the highest version any region reported for the email's record (a tombstone
    ///   of an earlier account included), which ``confirm(_:above:)`` authors above.
    /// - Throws: `409 email_taken` when a region holds the email; `503 peer_unavailable` when a
    ///   peer cannot be asked (registering anyway could let one email live in two regions).
    @discardableResult
    func reserve(_ email: EmailAddress) async throws -> DirectoryVersion? {
        guard self.keepsDirectory else { return nil }
        let hash = self.directory.key.emailHash(email)
        let now = self.clock()
        let reservation = try await self.store.reserveDirectoryEntry(
            emailHash: hash,
            region: self.region,
            expiresAt: now.addingTimeInterval(Self.reservationLifetime.timeInterval),
            now: now
        )
        // Another region's entry, or this region's confirmed one: the email is registered.
        guard reservation.holder.region == self.region, !reservation.holder.confirmed else {
            throw TetherError.emailTaken
        }
        var floor = reservation.latestVersion
        var reserved: [RegionDirectory.Region] = []
        for peer in self.directory.peers(of: self.region) {
            do {
                let seen = try await self.peers.reserve(emailHash: hash, for: self.region, at: peer)
                floor = [floor, seen].compactMap { $0 }.max()
                reserved.append(peer)
            } catch {
                await self.release(hash: hash, at: reserved)
                try? await self.store.releaseDirectoryReservation(emailHash: hash, region: self.region)
                throw error
            }
        }
        return floor
    }

    /// Records `email` as registered here: a new confirmed version, authored above `floor`,
    /// pushed to the peers that answer; the others catch up through anti-entropy
    /// (``DirectoryReplication``).
    func confirm(_ email: EmailAddress, above floor: DirectoryVersion? = nil) async throws {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        let written = try await self.store.authorDirectoryRecords(
            emailHashes: [hash],
            region: self.region,
            state: .confirmed,
            now: self.clock(),
            floor: floor,
            sign: self.signer
        )
        await self.push(written)
    }

    /// Drops this region's reservations of `email` here and at every peer (a registration that
    /// failed before the account existed).
    func release(_ email: EmailAddress) async {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        try? await self.store.releaseDirectoryReservation(emailHash: hash, region: self.region)
        await self.release(hash: hash, at: self.directory.peers(of: self.region))
    }

    /// Records `email`'s account as deleted: a tombstone, pushed to the peers that answer and
    /// carried by anti-entropy to the others; it outlives any replica's downtime, so no stale
    /// replica brings the entry back.
    func withdraw(_ email: EmailAddress) async throws {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        let written = try await self.store.authorDirectoryRecords(
            emailHashes: [hash],
            region: self.region,
            state: .deleted,
            now: self.clock(),
            floor: nil,
            sign: self.signer
        )
        await self.push(written)
    }

    /// Throws `421 wrong_region` when a peer issued the pending pairing code with the digest
    /// `codeHash`: pairing codes do not name their region, so the peers are asked, all at once.
    func requirePairingCodeNotElsewhere(codeHash: String) async throws(TetherError) {
        guard self.keepsDirectory else { return }
        let peers = self.directory.peers(of: self.region)
        let home = await withTaskGroup(of: RegionID?.self) { group in
            for peer in peers {
                group.addTask { await self.peers.pairingCodeRegion(codeHash: codeHash, at: peer) }
            }
            for await answer in group {
                if let answer, answer != self.region {
                    group.cancelAll()
                    return self.directory.region(answer)
                }
            }
            return nil
        }
        guard let home else { return }
        throw .wrongRegion(home: home.id, url: home.url.absoluteString)
    }

    /// Sends records this region authored to every peer at once, best effort: a peer that does
    /// not answer gets them from the next anti-entropy round.
    private func push(_ records: [DirectoryRecord]) async {
        guard !records.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for peer in self.directory.peers(of: self.region) {
                group.addTask {
                    guard (try? await self.peers.send(records, from: self.region, to: peer)) != nil else { return }
                    await self.replica.sent(records.count, to: peer.id)
                }
            }
        }
    }

    private func release(hash: String, at peers: [RegionDirectory.Region]) async {
        for peer in peers {
            try? await self.peers.release(emailHash: hash, for: self.region, at: peer)
        }
    }
}
