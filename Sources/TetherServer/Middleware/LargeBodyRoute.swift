import HTTPTypes
import TetherSync

/// One route allowed a body larger than `--max-body-bytes`, and the credential it must present
/// before any of that body is read.
struct LargeBodyRoute: Sendable {
    /// Who may send the larger body.
    enum Credential: Sendable, Hashable {
        /// A signed-in account (an access token).
        case session
        /// A peer region (the peer token).
        case peer
    }

    let method: HTTPRequest.Method
    /// The contract's path, `{name}` standing for one segment: `/v1/backup/chunks/{chunkId}`.
    let path: String
    let maxBytes: Int
    let credential: Credential

    /// The contract's `"METHOD /path"` (``GeneratedRoutes`` checks that the contract has it).
    var operation: String { "\(self.method.rawValue) \(self.path)" }

    /// Whether a request for `method` and `requestPath` is this route: the same segments, a
    /// `{name}` matching any one non-empty segment.
    func matches(method: HTTPRequest.Method, path requestPath: String) -> Bool {
        guard method == self.method else { return false }
        let pattern = self.path.split(separator: "/", omittingEmptySubsequences: false)
        let segments = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        guard pattern.count == segments.count else { return false }
        return zip(pattern, segments).allSatisfy { pattern, segment in
            pattern.hasPrefix("{") ? !segment.isEmpty : pattern == segment
        }
    }
}

extension LargeBodyRoute {
    /// Every route allowed more than `--max-body-bytes`: backup manifests, chunks and packs for
    /// a signed-in account; replica batches and adopted accounts for a peer region.
    static let all: [LargeBodyRoute] = [
        LargeBodyRoute(
            method: .post,
            path: "/v1/backup/snapshots",
            maxBytes: BackupVault.maxManifestBytes,
            credential: .session
        ),
        LargeBodyRoute(
            method: .put,
            path: "/v1/backup/chunks/{chunkId}",
            maxBytes: BackupVault.maxChunkBytes,
            credential: .session
        ),
        LargeBodyRoute(
            method: .post,
            path: "/v1/backup/packs",
            maxBytes: BackupVault.maxPackBodyBytes,
            credential: .session
        ),
        LargeBodyRoute(
            method: .post,
            path: "/v1/replication/accounts/records",
            maxBytes: AccountReplicas.maxBatchBody,
            credential: .peer
        ),
        LargeBodyRoute(
            method: .post,
            path: "/v1/replication/accounts/adopt",
            maxBytes: AccountReplicas.maxAdoptBody,
            credential: .peer
        ),
    ]
}
