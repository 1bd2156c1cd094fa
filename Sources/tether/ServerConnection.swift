import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherClient
import TetherCore

/// A client of one region server, and the one place where request failures become CLI errors.
struct ServerConnection: Sendable {
    let serverURL: URL
    let client: Client
    /// The trust and plain-http settings every client of this connection is made with.
    let security: ConnectionSecurity
    /// For a signed-in connection whose account keeps a settings replica: syncs it once,
    /// before the first request (`protocols/sync.md`, settings sync).
    var settingsSync: QueuedSettingsSync? = nil
    /// For a signed-in connection: the session, carried to the account's new home when this
    /// server answers that the account moved (`421 wrong_region`).
    var session: ProfileSession? = nil

    /// A connection that sends no credential (register, login, claim).
    static func anonymous(_ global: GlobalOptions, profile: Profile) throws -> ServerConnection {
        let url = try Self.serverURL(global, profile: profile)
        let security = ConnectionSecurity(global, profile: profile)
        try security.check(url)
        return ServerConnection(serverURL: url, client: try security.client(serverURL: url), security: security)
    }

    /// A connection signed in with the saved profile, renewing its access token when needed.
    static func signedIn(_ global: GlobalOptions) throws -> (ServerConnection, ProfileSession) {
        let profile = try Profile.load()
        guard profile.accessToken != nil else {
            throw CLIError("not logged in: run 'tether account login' or 'tether account register'")
        }
        let url = try Self.serverURL(global, profile: profile)
        // The saved tokens belong to the server that issued them; never send them elsewhere.
        if let saved = profile.server, URL(string: saved)?.normalizedForComparison != url.normalizedForComparison {
            throw CLIError(
                "the saved session is for \(saved); log in to \(url.absoluteString) first ('tether account login')"
            )
        }
        let security = ConnectionSecurity(global, profile: profile)
        try security.check(url)
        let session = ProfileSession(profile: profile, serverURL: url, security: security)
        let client = try security.client(serverURL: url, tokens: session)
        let replica = profile.accountId.map(SettingsReplicaFile.init(account:))
        return (
            ServerConnection(
                serverURL: url,
                client: client,
                security: security,
                settingsSync: replica.flatMap { $0.exists ? QueuedSettingsSync(file: $0, client: client) : nil },
                session: session
            ),
            session
        )
    }

    /// `--server`, else `TETHER_SERVER`, else the profile's server.
    static func serverURL(_ global: GlobalOptions, profile: Profile) throws -> URL {
        guard let text = global.server ?? ProcessInfo.processInfo.environment["TETHER_SERVER"] ?? profile.server else {
            throw CLIError("no server: pass --server URL (e.g. http://127.0.0.1:8080) or set TETHER_SERVER")
        }
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
        else {
            throw CLIError("invalid server URL '\(text)': expected http://HOST:PORT")
        }
        return url
    }

    /// Runs one request; any failure becomes a one-line ``CLIError``.
    ///
    /// A signed-in request that this server answers with `421 wrong_region` (the account moved
    /// to another region, `tether account move`) is sent once more to the new home with the same
    /// session, which then keeps that server.
    func call<Result>(_ request: (Client) async throws -> Result) async throws -> Result {
        await self.settingsSync?.runOnce()
        do {
            return try await request(self.client)
        } catch {
            guard let session = self.session, let (region, home) = Self.homeRegion(in: error) else {
                throw self.cliError(for: error)
            }
            try self.requireSafeToFollow(to: home, region: region, carrying: "the session")
            FileHandle.standardError.write(Data("the account's home is region \(region): continuing at \(home)\n".utf8))
            await session.rehome(to: home)
            let moved = ServerConnection(
                serverURL: home,
                client: try self.security.client(serverURL: home, tokens: session),
                security: self.security
            )
            do {
                return try await request(moved.client)
            } catch {
                throw moved.cliError(for: error)
            }
        }
    }

    /// The region and server a `421 wrong_region` problem names, if `error` is one.
    static func homeRegion(in error: any Error) -> (region: String, url: URL)? {
        guard let problem = TetherClientFailure.problem(error)?.problem, problem.code == "wrong_region",
            let home = problem.homeURL.flatMap(URL.init(string:)), ["http", "https"].contains(home.scheme ?? ""),
            home.host != nil
        else { return nil }
        return (problem.homeRegion ?? "?", home)
    }

    /// Refuses to send a secret on to `home`, the URL a `421 wrong_region` named, unless it is
    /// `https` or both servers are loopback: a password or token must not follow it into plain text.
    func requireSafeToFollow(to home: URL, region: String, carrying secret: String) throws(CLIError) {
        guard !ServerURLPolicy.mayFollowWithCredentials(from: self.serverURL, to: home) else { return }
        throw CLIError(
            """
            the server at \(self.serverURL.absoluteString) says the account's home is region \(region) at \
            \(home.absoluteString), which is not https: not sending \(secret) there
            """,
            status: 421
        )
    }

    /// `error` as one line for a person.
    private func cliError(for error: any Error) -> CLIError {
        let underlying = TetherClientFailure.underlying(error)
        if let cliError = underlying as? CLIError {
            return cliError
        }
        if let failure = TransportFailure.cliError(underlying, serverURL: self.serverURL) {
            return failure
        }
        return CLIError(
            TetherClientFailure.describe(error, serverURL: self.serverURL),
            status: TetherClientFailure.problem(error)?.status,
            unreachable: TetherClientFailure.isUnreachable(error)
        )
    }
}

extension ServerConnection {
    /// Runs a request that sends no credential (register, login); when this server answers
    /// `421 wrong_region`, sends it once more to the home region's server it names. Returns the
    /// result and the server that gave it, which the profile then keeps.
    func followingHomeRegion<Result>(
        carrying secret: String,
        _ request: (Client) async throws -> Result
    ) async throws -> (Result, URL) {
        do {
            return (try await request(self.client), self.serverURL)
        } catch {
            guard let (region, home) = Self.homeRegion(in: error) else { throw self.cliError(for: error) }
            try self.requireSafeToFollow(to: home, region: region, carrying: secret)
            let note = "home region \(region): continuing at \(home.absoluteString)\n"
            FileHandle.standardError.write(Data(note.utf8))
            let homeConnection = ServerConnection(
                serverURL: home,
                client: try self.security.client(serverURL: home),
                security: self.security
            )
            return (try await homeConnection.call(request), home)
        }
    }

    /// Runs a request that answers `404 not_found` when there is nothing to show; `nil` then.
    func optional<Result>(_ request: (Client) async throws -> Result) async throws -> Result? {
        do {
            return try await self.call(request)
        } catch let error as CLIError where error.status == 404 {
            return nil
        }
    }
}

/// The saved session as an `AccessTokenProvider`: renews the access token with the refresh token
/// (proactively when it has expired, or when the server says so) and saves the new tokens.
actor ProfileSession: AccessTokenProvider {
    private(set) var profile: Profile
    private var serverURL: URL
    private let security: ConnectionSecurity

    init(profile: Profile, serverURL: URL, security: ConnectionSecurity) {
        self.profile = profile
        self.serverURL = serverURL
        self.security = security
    }

    func accessToken() async throws -> String? {
        if let expiry = self.profile.accessExpiresAt, expiry <= Date().addingTimeInterval(5) {
            _ = try await self.renewAccessToken()
        }
        return self.profile.accessToken
    }

    func renewAccessToken() async throws -> Bool {
        // One `tether` process of this profile renews at a time: refresh tokens rotate, so a
        // second process that waited here finds the renewed session saved and takes it.
        try await FileLock.withLock(at: Profile.sessionLockURL) {
            if self.adoptSavedSession() { return true }
            guard let refreshToken = self.profile.refreshToken else { throw CLIError.sessionExpired }
            let client = try self.security.client(serverURL: self.serverURL)
            let grant: Components.Schemas.SessionGrant
            do {
                grant = try await client.refreshSession(body: .json(.init(refreshToken: refreshToken))).ok.body.json
            } catch  where TetherClientFailure.problem(error)?.status == 401 {
                throw CLIError.sessionExpired
            }
            self.profile.apply(grant, server: self.serverURL)
            try self.profile.save()
            return true
        }
    }

    /// Takes the saved profile's session when another process has renewed ours there.
    private func adoptSavedSession() -> Bool {
        guard let saved = try? Profile.load(), saved.refreshToken != self.profile.refreshToken, saved.accessToken != nil
        else { return false }
        self.profile = saved
        return true
    }

    /// Keeps `server` as the session's server from now on (the account moved there).
    func rehome(to server: URL, region: String? = nil) {
        self.serverURL = server
        self.profile.server = server.absoluteString
        if let region { self.profile.region = region }
        try? self.profile.save()
    }

    /// Forgets the session locally (after logout or account deletion).
    func forget() throws {
        self.profile.signOut()
        try self.profile.save()
    }
}

extension URL {
    /// Scheme, host and port, lower-cased, without a trailing slash: two spellings of one server compare equal.
    var normalizedForComparison: String {
        let scheme = self.scheme?.lowercased() ?? ""
        let host = self.host?.lowercased() ?? ""
        let port = self.port ?? (scheme == "https" ? 443 : 80)
        let path = self.path.hasSuffix("/") ? String(self.path.dropLast()) : self.path
        return "\(scheme)://\(host):\(port)\(path)"
    }
}

extension Profile {
    /// Stores a new session grant.
    mutating func apply(_ grant: Components.Schemas.SessionGrant, server: URL) {
        self.server = server.absoluteString
        self.accountId = grant.account.accountId
        self.email = grant.account.email
        self.region = grant.account.region
        self.accessToken = grant.accessToken
        self.accessExpiresAt = grant.accessExpiresAt
        self.refreshToken = grant.refreshToken
        self.refreshExpiresAt = grant.refreshExpiresAt
    }
}
