import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

struct SessionRoutesTests {
    /// bcrypt stops at a NUL byte: the password followed by a NUL and anything must not sign in,
    /// and no new password may carry one.
    @Test
    func aPasswordWithANulByteNeverMatches() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            _ = try await server.register("ada@example.org")
            await expectProblem(401, "invalid_credentials") {
                try await server.signIn("ada@example.org", password: goodPassword + "\u{0}anything")
            }
            #expect(try await server.signIn("ada@example.org").accessToken.isEmpty == false)
            await expectProblem(400, "invalid_field", field: "password") {
                try await server.register("bob@example.org", password: goodPassword + "\u{0}x")
            }
        }
    }

    @Test
    func signingInOpensANewSession() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let grant = try await server.signIn(" ADA@example.org")
            #expect(grant.account == user.grant.account)
            #expect(grant.accessToken != user.accessToken)
            #expect(grant.refreshToken != user.refreshToken)
            let me = try await server.client(token: grant.accessToken).getAccount().ok.body.json
            #expect(me.accountId == user.accountID)
            // The registration session still works too.
            #expect(try await user.client.getAccount().ok.body.json.accountId == user.accountID)
        }
    }

    @Test
    func aWrongPasswordOrUnknownEmailIsTheSameError() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            try await server.register("ada@example.org")
            let wrong = await expectProblem(401, "invalid_credentials") {
                try await server.signIn("ada@example.org", password: "wrong password")
            }
            let unknown = await expectProblem(401, "invalid_credentials") {
                try await server.signIn("nobody@example.org")
            }
            #expect(wrong?.problem.detail == unknown?.problem.detail)
            await expectProblem(400, "invalid_field", field: "password") {
                try await server.signIn("ada@example.org", password: "")
            }
            await expectProblem(400, "invalid_field", field: "email") {
                try await server.signIn("ada", password: goodPassword)
            }
        }
    }

    @Test
    func anExpiredAccessTokenIsRefusedAsExpired() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            clock.advance(by: .seconds(3_599))
            #expect(try await user.client.getAccount().ok.body.json.accountId == user.accountID)
            clock.advance(by: .seconds(1))
            let problem = await expectProblem(401, "token_expired") { try await user.client.getAccount() }
            #expect(problem?.problem.detail?.isEmpty == false)
        }
    }

    @Test
    func refreshingRotatesBothTokens() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            clock.advance(by: .seconds(7_200))
            let anonymous = server.client()

            let refreshed = try await anonymous.refreshSession(body: .json(.init(refreshToken: user.refreshToken))).ok
                .body.json
            #expect(refreshed.account == user.grant.account)
            #expect(refreshed.accessToken != user.accessToken)
            #expect(refreshed.refreshToken != user.refreshToken)
            #expect(refreshed.accessExpiresAt == testEpoch.addingTimeInterval(7_200 + 3_600))

            let me = try await server.client(token: refreshed.accessToken).getAccount().ok.body.json
            #expect(me.accountId == user.accountID)

            // The old refresh token worked once; the old access token is replaced.
            await expectProblem(401, "refresh_token_invalid", field: "refresh_token") {
                try await anonymous.refreshSession(body: .json(.init(refreshToken: user.refreshToken)))
            }
            await expectProblem(401, "unauthenticated") { try await user.client.getAccount() }
            // The new refresh token works.
            let again = try await anonymous.refreshSession(body: .json(.init(refreshToken: refreshed.refreshToken))).ok
                .body.json
            #expect(again.account.accountId == user.accountID)
        }
    }

    @Test
    func otherTokensAreNotRefreshTokens() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let anonymous = server.client()
            for token in [user.accessToken, "trt_unknown", "", "garbage"] {
                await expectProblem(401, "refresh_token_invalid", field: "refresh_token") {
                    try await anonymous.refreshSession(body: .json(.init(refreshToken: token)))
                }
            }
            // None of those attempts used up the real refresh token.
            _ = try await anonymous.refreshSession(body: .json(.init(refreshToken: user.refreshToken))).ok.body.json
        }
    }

    @Test
    func anExpiredRefreshTokenIsRefused() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            clock.advance(by: .seconds(30 * 86_400))
            await expectProblem(401, "refresh_token_invalid", field: "refresh_token") {
                try await server.client().refreshSession(body: .json(.init(refreshToken: user.refreshToken)))
            }
        }
    }

    @Test
    func aRefreshingClientRenewsAnExpiredTokenAndRetries() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            let tokens = RefreshingTokens(server: server, grant: user.grant)
            let client = TetherClientFactory.client(
                serverURL: server.baseURL,
                tokens: tokens,
                transport: server.transport
            )

            #expect(try await client.getAccount().ok.body.json.accountId == user.accountID)
            #expect(await tokens.renewals == 0)

            clock.advance(by: .seconds(3_601))
            #expect(try await client.getAccount().ok.body.json.accountId == user.accountID)
            #expect(await tokens.renewals == 1)
            #expect(await tokens.access != user.accessToken)

            // The renewal rotated the session, so the old access token is gone, not merely expired.
            await expectProblem(401, "unauthenticated") { try await user.client.getAccount() }
        }
    }

    @Test
    func signingOutRevokesTheSessionOnly() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let other = try await server.signIn(user.email)

            let response = try await user.client.signOut()
            guard case .noContent = response else {
                Issue.record("expected 204, got \(response)")
                return
            }

            await expectProblem(401, "unauthenticated") { try await user.client.getAccount() }
            await expectProblem(401, "unauthenticated") { try await user.client.signOut() }
            await expectProblem(401, "refresh_token_invalid", field: "refresh_token") {
                try await server.client().refreshSession(body: .json(.init(refreshToken: user.refreshToken)))
            }
            // The other session of the same account is untouched.
            #expect(
                try await server.client(token: other.accessToken).getAccount().ok.body.json.accountId == user.accountID
            )
        }
    }
}
