import Foundation
public import TetherCore
import TetherSync

extension ServerConfig {
    /// Checks the region directory's peers against how they may be reached, and this region's
    /// keys against its entry (`protocols/sync.md`, "Peer authentication").
    ///
    /// - Off loopback, every region lists its keys and every peer URL is `https`.
    /// - A region whose entry lists keys runs with a ``regionKeyring`` of that region whose
    ///   newest pair the entry lists.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the region at fault.
    public func validatePeers() throws(TetherError) {
        guard let regions else { return }
        let onLoopback = regions.regions.allSatisfy(\.isLoopback)
        for (index, region) in regions.regions.enumerated() where !onLoopback {
            guard !region.keys.isEmpty else {
                throw .invalidField(
                    "regions[\(index)]",
                    "region \"\(region.id)\" lists no signing_key and hpke_key; only a deployment whose every URL "
                        + "is loopback may run without region keys (tetherd region-key init prints them)"
                )
            }
            guard region.url.scheme == "https" || region.id == self.region else {
                throw .invalidField(
                    "regions[\(index)].url",
                    "region \"\(region.id)\" is reached over plain http off loopback; peers must use https"
                )
            }
        }
        guard let own = regions.region(self.region), !own.keys.isEmpty else { return }
        guard let keyring = self.regionKeyring else {
            throw .invalidField("region-key", "the regions file lists keys for \"\(self.region)\"; give its key file")
        }
        guard keyring.region == self.region else {
            throw .invalidField("region-key", "holds the keys of region \"\(keyring.region)\", not \"\(self.region)\"")
        }
        guard own.keys.contains(keyring.current.publicKeys) else {
            throw .invalidField(
                "region-key",
                "its newest keys are not among those the regions file lists for \"\(self.region)\"; "
                    + "paste the output of `tetherd region-key init` into its entry"
            )
        }
    }

    /// Why the peers of this deployment are weaker than they could be, for warnings at start:
    /// regions without keys authenticate one another only with the shared directory key.
    public var peerWarnings: [String] {
        guard let regions, regions.regions.count > 1 else { return [] }
        let keyless = regions.regions.filter(\.keys.isEmpty).map(\.id.rawValue)
        guard !keyless.isEmpty else { return [] }
        return [
            "regions without keys (\(keyless.joined(separator: ", "))) authenticate as peers with the shared "
                + "directory key alone, so any region can act as them: for loopback deployments only "
                + "(tetherd region-key init)"
        ]
    }
}
