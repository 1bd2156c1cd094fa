import Foundation
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The account directory's peer endpoints: other region servers reserve emails (as keyed
/// hashes) here while they register them, and look entries up.
extension TetherAPIHandler {
    func getDirectoryEntry(
        _ input: Operations.GetDirectoryEntry.Input
    ) async throws
        -> Operations.GetDirectoryEntry.Output
    {
        try self.requirePeer()
        let hash = try Self.emailHash(input.path.emailHash)
        guard let entry = try await self.store.directoryEntry(emailHash: hash, now: self.now) else {
            throw TetherError.notFound("directory entry", field: "email_hash")
        }
        return .ok(.init(body: .json(.init(region: entry.region.rawValue, confirmed: entry.confirmed))))
    }

    func putDirectoryEntry(
        _ input: Operations.PutDirectoryEntry.Input
    ) async throws
        -> Operations.PutDirectoryEntry.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let hash = try Self.emailHash(input.path.emailHash)
        let region = try self.knownRegion(body.region)
        try self.requirePeer(actingFor: region, field: "region")
        guard !body.confirmed else {
            throw TetherError.invalidField(
                "confirmed",
                "must be false: confirmations replicate as records (/v1/directory/replication)"
            )
        }
        let now = self.now
        let reservation = try await self.store.reserveDirectoryEntry(
            emailHash: hash,
            region: region,
            expiresAt: now.addingTimeInterval(RegionRouting.reservationLifetime.timeInterval),
            now: now
        )
        guard reservation.holder.region == region else { throw TetherError.emailTaken }
        return .ok(
            .init(
                body: .json(
                    .init(
                        region: region.rawValue,
                        confirmed: reservation.holder.confirmed,
                        version: reservation.latestVersion?.rawValue
                    )
                )
            )
        )
    }

    func removeDirectoryEntry(
        _ input: Operations.RemoveDirectoryEntry.Input
    ) async throws
        -> Operations.RemoveDirectoryEntry.Output
    {
        try self.requirePeer()
        let hash = try Self.emailHash(input.path.emailHash)
        let region = try self.knownRegion(input.query.region)
        try self.requirePeer(actingFor: region, field: "region")
        try await self.store.releaseDirectoryReservation(emailHash: hash, region: region)
        return .noContent(.init())
    }

    func getPairingCodeRegion(
        _ input: Operations.GetPairingCodeRegion.Input
    ) async throws
        -> Operations.GetPairingCodeRegion.Output
    {
        try self.requirePeer()
        let hash = try Self.hexDigest(input.path.codeHash, field: "code_hash")
        guard let request = try await self.store.pairingRequest(codeHash: hash), request.state(at: self.now) == .pending
        else { throw TetherError.pairingCodeNotFound }
        return .ok(.init(body: .json(.init(region: self.config.region.rawValue))))
    }

    /// Requires a peer request whose region ``PeerAuthenticationMiddleware`` verified; returns
    /// that region.
    @discardableResult
    func requirePeer() throws -> RegionID {
        guard let peer = RequestScope.current.peer else {
            throw PeerVerifier.unsignedRefusal(bearerToken: RequestScope.current.bearerToken)
        }
        return peer
    }

    /// Requires a verified peer request from `region` itself: a region reserves emails, sends
    /// directory records and replica data, and adopts accounts only for itself.
    ///
    /// - Throws: `403 peer_not_authority` naming `field` when another region sent it.
    func requirePeer(actingFor region: RegionID, field: String) throws {
        let peer = try self.requirePeer()
        guard peer == region else {
            throw TetherError.peerNotAuthority(peer, field: field, "may not act for region \(region)")
        }
    }

    func knownRegion(_ text: String) throws -> RegionID {
        let region = try RegionID(validating: text)
        guard self.routing.directory.region(region) != nil else {
            throw TetherError.invalidField("region", "\"\(region)\" is not a region of this deployment")
        }
        return region
    }

    private static func emailHash(_ text: String) throws(TetherError) -> String {
        try self.hexDigest(text, field: "email_hash")
    }

    /// `text` when it is a SHA-256 digest in 64 lower-case hex digits.
    static func hexDigest(_ text: String, field: String) throws(TetherError) -> String {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw .invalidField(field, "must be 64 lower-case hex digits")
        }
        return text
    }
}
