import Foundation
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The account directory's peer endpoints: other region servers reserve, confirm and withdraw
/// emails (as keyed hashes) here.
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
        let now = self.now
        if body.confirmed {
            try await self.store.confirmDirectoryEntries(emailHashes: [hash], region: region)
        } else {
            let holder = try await self.store.reserveDirectoryEntry(
                emailHash: hash,
                region: region,
                expiresAt: now.addingTimeInterval(RegionRouting.reservationLifetime.timeInterval),
                now: now
            )
            guard holder.region == region else { throw TetherError.emailTaken }
        }
        return .ok(.init(body: .json(.init(region: region.rawValue, confirmed: body.confirmed))))
    }

    func removeDirectoryEntry(
        _ input: Operations.RemoveDirectoryEntry.Input
    ) async throws
        -> Operations.RemoveDirectoryEntry.Output
    {
        try self.requirePeer()
        let hash = try Self.emailHash(input.path.emailHash)
        try await self.store.releaseDirectoryEntry(emailHash: hash, region: try self.knownRegion(input.query.region))
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

    /// Requires the peer token of this deployment's directory.
    private func requirePeer() throws {
        guard let presented = RequestScope.current.bearerToken,
            ConstantTime.equal(presented, self.routing.directory.key.peerToken)
        else { throw TetherError.unauthenticated }
    }

    private func knownRegion(_ text: String) throws -> RegionID {
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
    private static func hexDigest(_ text: String, field: String) throws(TetherError) -> String {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw .invalidField(field, "must be 64 lower-case hex digits")
        }
        return text
    }
}
