import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherSync
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Three `tetherd` regions on loopback in two jurisdiction groups (eu-west and eu-central in
/// `eu`, us in `us`), reconciling their account directories (and, with `replicas`, their
/// accounts' data) every 200 ms; any of them can be killed and started again on its own data.
struct ReplicationRegions {
    static let ids = ["eu-west", "eu-central", "us"]

    /// The port of each region in the directory, where the others reach it.
    let ports: [String: Int]
    /// Where a region behind a proxy listens itself.
    var listeningPorts: [String: Int] = [:]
    let file: URL
    let scratch: URL
    private(set) var servers: [String: TetherdProcess] = [:]
    private(set) var proxy: ForwardingProxy?
    /// Each region's operator token, to run passes of its background jobs.
    private(set) var operatorTokens: [String: String] = [:]
    /// The databases of regions not on SQLite in their data directory.
    private(set) var databases: [String: TetherdDatabase] = [:]

    /// Starts the three; with `replicas`, eu-west and eu-central hold replicas of each other.
    /// With `proxied`, that region is reached through a ``ForwardingProxy`` that loses the
    /// answers to the paths `losesAnswer` picks. Regions `backends` names keep their data there
    /// (a database of their own; ``drop()`` removes it), the others on SQLite.
    static func start(
        replicas: Bool = false,
        proxied: String? = nil,
        losesAnswer: @escaping @Sendable (String) -> Bool = { _ in false },
        backends: [String: TetherdBackend] = [:]
    ) async throws -> ReplicationRegions {
        let ports = try FreePort.pick(proxied == nil ? 3 : 4)
        let file = try RegionDirectoryFile.write([
            .init(
                id: "eu-west",
                port: ports[0],
                group: "eu",
                box: (west: -25, south: 34, east: 5, north: 72),
                replicas: replicas ? ["eu-central"] : []
            ),
            .init(
                id: "eu-central",
                port: ports[1],
                group: "eu",
                box: (west: 5, south: 34, east: 45, north: 72),
                replicas: replicas ? ["eu-west"] : []
            ),
            .init(id: "us", port: ports[2], group: "us", box: (west: -170, south: 15, east: -50, north: 72)),
        ])
        var regions = ReplicationRegions(
            ports: Dictionary(uniqueKeysWithValues: zip(Self.ids, ports)),
            file: file,
            scratch: TemporaryDirectory.make()
        )
        if let proxied {
            regions.listeningPorts[proxied] = ports[3]
            regions.proxy = try await ForwardingProxy.start(
                port: regions.ports[proxied]!,
                upstream: URL(string: "http://127.0.0.1:\(ports[3])")!,
                losesAnswer: losesAnswer
            )
        }
        for (id, backend) in backends { regions.databases[id] = try await backend.makeDatabase() }
        for id in Self.ids { try await regions.start(id) }
        return regions
    }

    /// Starts region `id` on its port and data directory, with `extra` arguments.
    ///
    /// Calls between regions may take 30 s, not the default 5 s: on a loaded machine three
    /// servers and a test suite share two cores, and a slow peer is not the failure under test.
    mutating func start(_ id: String, arguments extra: [String] = []) async throws {
        if self.operatorTokens[id] == nil {
            self.operatorTokens[id] = try await TetherdProcess.operatorToken(
                dataDirectory: self.dataDirectory(id),
                arguments: self.databases[id]?.arguments ?? []
            )
        }
        self.servers[id] = try await TetherdProcess.start(
            dataDirectory: self.dataDirectory(id),
            port: self.listeningPorts[id] ?? self.ports[id]!,
            arguments: [
                "--region", id, "--regions", self.file.path, "--directory-sync-interval", "200ms",
                "--region-key", RegionDirectoryFile.keyFile(for: id, regions: self.file).path,
                "--peer-timeout", "30s",
            ] + (self.databases[id]?.arguments ?? []) + extra
        )
    }

    /// Runs one pass of `job` at region `id` and returns when it has finished: every pass
    /// begun before has finished too.
    func runJob(_ job: BackgroundJobs.Name, at id: String) async throws {
        try await TetherdProcess.runJob(job, at: self.url(id), operatorToken: self.operatorTokens[id]!)
    }

    /// Kills region `id` at once (no graceful shutdown) and waits for it to exit.
    mutating func kill(_ id: String) async throws {
        guard let server = self.servers.removeValue(forKey: id) else { return }
        server.command.send(signal: SIGKILL)
        _ = try await server.command.wait()
    }

    func dataDirectory(_ id: String) -> URL {
        self.scratch.appendingPathComponent(id)
    }

    func url(_ id: String) -> URL {
        URL(string: "http://127.0.0.1:\(self.ports[id]!)")!
    }

    func stop() {
        self.proxy?.stop()
        for server in self.servers.values { server.command.send(signal: SIGKILL) }
        TemporaryDirectory.remove(self.scratch)
    }

    /// Stops every region and drops the databases ``start(replicas:proxied:losesAnswer:backends:)``
    /// made for them.
    func drop() async {
        self.stop()
        for server in self.servers.values { _ = try? await server.command.wait() }
        for database in self.databases.values { await database.drop() }
    }

    /// The client a peer region would use: requests to `id` signed with the key of `sender`
    /// (by default the first other region).
    func peerClient(_ id: String, as sender: String? = nil) throws -> Client {
        let sender = try #require(sender ?? Self.ids.first { $0 != id })
        let keyring = try RegionDirectoryFile.keyring(for: sender, regions: self.file)
        let receiver = try #require(RegionID(rawValue: id))
        return TetherClientFactory.client(
            serverURL: self.url(id),
            signing: PeerSigningMiddleware(
                identity: PeerIdentity(region: keyring.region, signingKey: keyring.current.signing),
                receiver: receiver
            )
        )
    }

    /// What region `id` holds of other regions' accounts and sent to its replicas.
    func accountStatus(_ id: String) async throws -> Components.Schemas.AccountReplicationStatus {
        try await self.peerClient(id).getAccountReplicationStatus().ok.body.json
    }

    func status(_ id: String) async throws -> Components.Schemas.DirectoryReplicationStatus {
        try await self.peerClient(id).getDirectoryReplicationStatus().ok.body.json
    }

    /// Waits until every running region holds the same directory records (equal summary roots).
    @discardableResult
    func waitUntilConverged(
        timeout: Duration = .seconds(60)
    ) async throws -> [String: Components.Schemas.DirectoryReplicationStatus] {
        try await Poll.value("the directories converge", timeout: timeout, every: .milliseconds(100)) {
            var statuses: [String: Components.Schemas.DirectoryReplicationStatus] = [:]
            for id in self.servers.keys { statuses[id] = try? await self.status(id) }
            let converged = statuses.count == self.servers.count && Set(statuses.values.map(\.rootHash)).count == 1
            return converged ? statuses : nil
        }
    }

    /// Waits until region `id` has completed a round with `peer` since it started, and returns
    /// what its rounds with that peer exchanged.
    func roundsCompleted(at id: String, with peer: String) async throws -> Components.Schemas.DirectoryRoundReport? {
        try await Poll.value("\(id) completes a round with \(peer)", every: .milliseconds(100)) {
            try await self.status(id).peer(peer)?.totals
        }
    }

    static let password = "correct horse battery"

    func register(_ email: String, at id: String) async throws {
        _ = try await TetherClientFactory.client(serverURL: self.url(id)).registerAccount(
            body: .json(.init(email: email, password: Self.password, region: id))
        ).created
    }

    func delete(_ email: String, at id: String) async throws {
        let grant = try await TetherClientFactory.client(serverURL: self.url(id)).signIn(
            body: .json(.init(email: email, password: Self.password))
        ).ok.body.json
        let signedIn = TetherClientFactory.client(serverURL: self.url(id), tokens: StaticToken(grant.accessToken))
        _ = try await signedIn.deleteAccount().ok
    }

    /// What signing in as `email` at `id` answers: `200`, or the problem's status and home region.
    func signIn(_ email: String, at id: String) async -> (status: Int, home: String?) {
        do {
            _ = try await TetherClientFactory.client(serverURL: self.url(id)).signIn(
                body: .json(.init(email: email, password: Self.password))
            ).ok
            return (200, nil)
        } catch {
            let problem = TetherClientFailure.problem(error)
            return (problem?.status ?? 0, problem?.problem.homeRegion)
        }
    }
}

extension Components.Schemas.DirectoryReplicationStatus {
    /// The status of replication with `peer`.
    func peer(_ peer: String) -> Components.Schemas.DirectoryPeerStatus? {
        self.peers.first { $0.peer == peer }
    }
}
