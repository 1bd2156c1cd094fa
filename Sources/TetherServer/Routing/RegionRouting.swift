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
    let peers: PeerDirectoryClient
    let clock: @Sendable () -> Date
    /// Whether a region directory file is configured, so the account directory is kept.
    let keepsDirectory: Bool

    init(config: ServerConfig, store: any DirectoryStore, peers: PeerDirectoryClient) {
        self.region = config.region
        self.directory = config.directory
        self.store = store
        self.peers = peers
        self.clock = config.clock
        self.keepsDirectory = config.regions != nil
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

    /// Throws `421 wrong_region` when `token` was issued by another region of the directory.
    func requireIssuedHere(_ token: SecretToken) throws(TetherError) {
        guard let home = token.region(where: { self.directory.region($0) != nil }).flatMap(self.directory.region),
            home.id != self.region
        else { return }
        throw .wrongRegion(home: home.id, url: home.url.absoluteString)
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
    /// - Throws: `409 email_taken` when a region holds the email; `503 peer_unavailable` when a
    ///   peer cannot be asked (registering anyway could let one email live in two regions).
    func reserve(_ email: EmailAddress) async throws {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        let now = self.clock()
        let holder = try await self.store.reserveDirectoryEntry(
            emailHash: hash,
            region: self.region,
            expiresAt: now.addingTimeInterval(Self.reservationLifetime.timeInterval),
            now: now
        )
        // Another region's entry, or this region's confirmed one: the email is registered.
        guard holder.region == self.region, !holder.confirmed else { throw TetherError.emailTaken }
        var reserved: [RegionDirectory.Region] = []
        for peer in self.directory.peers(of: self.region) {
            do {
                try await self.peers.reserve(emailHash: hash, for: self.region, at: peer)
                reserved.append(peer)
            } catch {
                await self.release(hash: hash, at: reserved)
                try? await self.store.releaseDirectoryEntry(emailHash: hash, region: self.region)
                throw error
            }
        }
    }

    /// Confirms `email` as registered here, locally and at every peer; a peer that cannot be
    /// told now keeps the reservation until it lapses (anti-entropy, in the next step, repairs it).
    func confirm(_ email: EmailAddress, logger: Logger) async throws {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        try await self.store.confirmDirectoryEntries(emailHashes: [hash], region: self.region)
        for peer in self.directory.peers(of: self.region) {
            do {
                try await self.peers.confirm(emailHash: hash, for: self.region, at: peer)
            } catch {
                logger.warning(
                    "directory push failed",
                    metadata: ["tether.peer": "\(peer.id)", "tether.error": "\(error)"]
                )
            }
        }
    }

    /// Withdraws `email` from the directory here and at every peer (a failed registration, a
    /// deleted account).
    func withdraw(_ email: EmailAddress) async {
        guard self.keepsDirectory else { return }
        let hash = self.directory.key.emailHash(email)
        try? await self.store.releaseDirectoryEntry(emailHash: hash, region: self.region)
        await self.release(hash: hash, at: self.directory.peers(of: self.region))
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

    private func release(hash: String, at peers: [RegionDirectory.Region]) async {
        for peer in peers {
            try? await self.peers.release(emailHash: hash, for: self.region, at: peer)
        }
    }
}
