import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import Synchronization
import TetherAPI
import TetherClient
import TetherCore
import TetherStore
import TetherSync

/// Speaks the directory endpoints of peer region servers (`/v1/directory/…`), each request
/// signed with this region's key (``PeerSigningMiddleware``; a region without keys presents the
/// peer token derived from the directory key instead).
struct PeerDirectoryClient: Sendable {
    let token: String
    let identity: PeerIdentity
    let transport: any ClientTransport
    /// The replication traffic this region's requests carried.
    let traffic = ReplicationTraffic()

    /// The HTTP client of every peer call. A peer that refuses connections for 3 s is down,
    /// whatever the call's own timeout: AsyncHTTPClient retries a failed connection until its
    /// connect timeout, and would otherwise do so until the call's deadline.
    private static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(timeout: .init(connect: .seconds(3)))
    )

    /// The HTTP clients that trust a CA file for `https` peers (`--peer-ca-file`), one per file
    /// for the life of the process, as ``http`` is.
    private static let trusting = Mutex<[String: HTTPClient]>([:])

    /// The HTTP client for peers: trusting `caFile` when given, else the system's roots.
    private static func http(trusting caFile: String?) -> HTTPClient {
        guard let caFile else { return Self.http }
        return Self.trusting.withLock { clients in
            if let client = clients[caFile] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            let client = HTTPClient(
                eventLoopGroupProvider: .singleton,
                configuration: .init(tlsConfiguration: tls, timeout: .init(connect: .seconds(3)))
            )
            clients[caFile] = client
            return client
        }
    }

    /// A client signing as `config`'s region, with a short timeout (``ServerConfig/peerTimeout``):
    /// registration waits on it.
    init(config: ServerConfig, timeout: Duration) {
        self.token = config.directory.key.peerToken
        self.identity = PeerIdentity(config: config)
        self.transport = CountingTransport(
            base: AsyncHTTPClientTransport(
                configuration: .init(
                    client: Self.http(trusting: config.peerCAFile),
                    timeout: .milliseconds(Int64(timeout / .milliseconds(1)))
                )
            ),
            traffic: self.traffic
        )
    }

    /// Reserves `emailHash` for `region` at `peer`.
    ///
    /// - Returns: the highest version of the entry's record the peer holds, if any.
    /// - Throws: `409 email_taken` when the peer knows the email in another region;
    ///   `503 peer_unavailable` when the peer cannot be asked.
    func reserve(
        emailHash: String,
        for region: RegionID,
        at peer: RegionDirectory.Region
    ) async throws
        -> DirectoryVersion?
    {
        var version: DirectoryVersion?
        try await self.calling(peer) { client in
            let entry = try await client.putDirectoryEntry(
                path: .init(emailHash: emailHash),
                body: .json(.init(region: region.rawValue, confirmed: false))
            ).ok.body.json
            version = entry.version.map(DirectoryVersion.init(rawValue:))
        }
        return version
    }

    /// Drops `region`'s reservation of `emailHash` at `peer`.
    func release(emailHash: String, for region: RegionID, at peer: RegionDirectory.Region) async throws {
        try await self.calling(peer) { client in
            _ = try await client.removeDirectoryEntry(
                path: .init(emailHash: emailHash),
                query: .init(region: region.rawValue)
            ).noContent
        }
    }

    /// The region `peer` names for a pending pairing code with the digest `codeHash`, or `nil`
    /// when it issued no such code or cannot be asked (the claim then stays a plain 404).
    func pairingCodeRegion(codeHash: String, at peer: RegionDirectory.Region) async -> RegionID? {
        let client = self.client(peer)
        guard let found = try? await client.getPairingCodeRegion(path: .init(codeHash: codeHash)).ok.body.json else {
            return nil
        }
        return try? RegionID(validating: found.region)
    }

    /// A client of `peer` whose requests are signed for it.
    private func client(_ peer: RegionDirectory.Region) -> Client {
        TetherClientFactory.client(
            serverURL: peer.url,
            tokens: self.identity.signingKey == nil ? StaticToken(self.token) : nil,
            transport: self.transport,
            signing: PeerSigningMiddleware(identity: self.identity, receiver: peer.id)
        )
    }

    /// Runs `call`; a problem the peer answered passes through (`409 email_taken`), anything
    /// else (refused connection, timeout) becomes `503 peer_unavailable`. A `5xx` problem the
    /// peer itself answered with one of the `definiteServerProblems` codes passes through too
    /// (as `503`): the peer decided, which an answer lost on the way does not say.
    func calling(
        _ peer: RegionDirectory.Region,
        definiteServerProblems: Set<String> = [],
        _ call: (Client) async throws -> Void
    ) async throws {
        let client = self.client(peer)
        do {
            try await call(client)
        } catch {
            // A 401 refuses this region's peer token, not the caller's credential: the peer is
            // unusable, as when it is down.
            guard let problem = TetherClientFailure.problem(error),
                problem.status < 500 && problem.status != 401
                    || problem.hasDocument && definiteServerProblems.contains(problem.code)
            else { throw TetherError.peerUnavailable(peer.id) }
            // The peer's code, field and status pass on; its words do not (they are the peer's,
            // and may carry what it should not have said). They are logged with the request id.
            RequestScope.current.logger.notice(
                "peer refused the request",
                metadata: [
                    "tether.peer": "\(peer.id)", "tether.error.code": "\(problem.code)",
                    "tether.peer.detail": "\(problem.problem.detail ?? "")",
                ]
            )
            throw problem.code == TetherError.emailTaken.code
                ? TetherError.emailTaken
                : TetherError(
                    code: problem.code,
                    kind: problem.status < 500 ? TetherError.Kind(status: problem.status) : .unavailable,
                    field: problem.problem.field,
                    detail: "Region \(peer.id) refused the request (\(problem.code)).",
                    retryAfterSeconds: problem.problem.retryAfterSeconds
                )
        }
    }
}
