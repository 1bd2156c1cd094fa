import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// Shared helpers for the integration tests: every test starts its own `TestServer` and talks
// to it over HTTP through the generated client (or raw `URLSession` for malformed requests).

/// A password that meets the policy.
let goodPassword = "correct horse battery"

/// A start time in whole seconds: the API's dates carry no fractions.
let testEpoch = Date(timeIntervalSince1970: 1_767_225_600)

extension ServerConfig {
    /// ``ServerConfig/testing`` reading time from `clock`.
    static func testing(clock: ManualClock) -> ServerConfig {
        var config = ServerConfig.testing
        config.clock = clock.now
        return config
    }
}

/// A registered account and a client that sends its access token.
struct SignedInUser {
    let email: String
    let grant: Components.Schemas.SessionGrant
    let client: Client

    var accountID: String { self.grant.account.accountId }
    var accessToken: String { self.grant.accessToken }
    var refreshToken: String { self.grant.refreshToken }
}

extension TestServer {
    /// A client of this server, sending `token` when given.
    func client(token: String? = nil) -> Client {
        TetherClientFactory.client(
            serverURL: self.baseURL,
            tokens: token.map(StaticToken.init),
            transport: self.transport
        )
    }

    /// Registers `email` and returns the signed-in account.
    @discardableResult
    func register(
        _ email: String = "ada@example.org",
        password: String = goodPassword,
        latitude: Double? = nil,
        longitude: Double? = nil,
        region: String? = nil
    ) async throws -> SignedInUser {
        let request = Components.Schemas.RegisterRequest(
            email: email,
            password: password,
            latitude: latitude,
            longitude: longitude,
            region: region
        )
        let grant = try await self.client().registerAccount(body: .json(request)).created.body.json
        return SignedInUser(email: email, grant: grant, client: self.client(token: grant.accessToken))
    }

    /// Signs in and returns the new session's tokens.
    func signIn(_ email: String, password: String = goodPassword) async throws -> Components.Schemas.SessionGrant {
        try await self.client().signIn(body: .json(.init(email: email, password: password))).ok.body.json
    }

    /// Asks for a pairing code as `user`.
    func pairingCode(for user: SignedInUser) async throws -> Components.Schemas.PairingCode {
        try await user.client.createPairingCode().created.body.json
    }

    /// Claims `code` as a device with `serial` (no account token: the device has none).
    func claim(
        _ code: String,
        serial: String,
        model: String = "TAG-1",
        kind: Components.Schemas.DeviceKind? = nil,
        name: String? = nil
    ) async throws -> Components.Schemas.ClaimGrant {
        let request = Components.Schemas.ClaimRequest(code: code, serial: serial, model: model, kind: kind, name: name)
        return try await self.client().claimDevice(body: .json(request)).created.body.json
    }

    /// Pairs a new device with `serial` to `user`: asks for a code and claims it.
    func pairDevice(for user: SignedInUser, serial: String = "SN-0001") async throws -> Components.Schemas.ClaimGrant {
        try await self.claim(try await self.pairingCode(for: user).code, serial: serial)
    }

    /// Sends a request without the generated client, for bodies and headers it would not produce;
    /// from the loopback address `source` (a socket server only) when given.
    func raw(
        _ method: String,
        _ path: String,
        body: Data? = nil,
        contentType: String? = "application/json",
        token: String? = nil,
        from source: String? = nil
    ) async throws -> RawResponse {
        var headers = HTTPFields()
        if body != nil, let contentType { headers[.contentType] = contentType }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let (method, path) = (HTTPRequest.Method(method)!, path.hasPrefix("/") ? path : "/" + path)
        let (response, data) =
            if let source {
                try await self.send(method, path, headers: headers, body: body, from: source)
            } else {
                try await self.send(method, path, headers: headers, body: body)
            }
        return RawResponse(response: response, body: data)
    }
}

/// A response read without the generated client.
struct RawResponse {
    let response: HTTPResponse
    let body: Data

    var status: Int { self.response.status.code }
    var text: String { String(decoding: self.body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { self.response.headerFields[$0] }
    }

    /// The body as a problem document, when it is one.
    var problem: ProblemDetails? {
        try? JSONDecoder().decode(ProblemDetails.self, from: self.body)
    }
}

/// Expects `operation` to fail with a problem answer of `status`, `code` and `field`, and returns it.
@discardableResult
func expectProblem<Value>(
    _ status: Int,
    _ code: String,
    field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Value
) async -> APIProblem? {
    do {
        _ = try await operation()
        Issue.record("expected \(status) \(code) but the request succeeded", sourceLocation: sourceLocation)
        return nil
    } catch {
        guard let problem = TetherClientFailure.problem(error) else {
            Issue.record("expected \(status) \(code) but got \(error)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(problem.status == status, sourceLocation: sourceLocation)
        #expect(problem.code == code, sourceLocation: sourceLocation)
        #expect(problem.problem.field == field, sourceLocation: sourceLocation)
        #expect(problem.problem.status == status, sourceLocation: sourceLocation)
        #expect(problem.problem.type == ProblemDetails.typeBase + code, sourceLocation: sourceLocation)
        return problem
    }
}

/// A token provider that renews the access token with the refresh token, as an app would.
actor RefreshingTokens: AccessTokenProvider {
    private let client: Client
    private(set) var access: String
    private(set) var refresh: String
    private(set) var renewals = 0

    init(server: TestServer, grant: Components.Schemas.SessionGrant) {
        self.client = server.client()
        self.access = grant.accessToken
        self.refresh = grant.refreshToken
    }

    func accessToken() async throws -> String? { self.access }

    func renewAccessToken() async throws -> Bool {
        let grant = try await self.client.refreshSession(body: .json(.init(refreshToken: self.refresh))).ok.body.json
        self.access = grant.accessToken
        self.refresh = grant.refreshToken
        self.renewals += 1
        return true
    }
}
