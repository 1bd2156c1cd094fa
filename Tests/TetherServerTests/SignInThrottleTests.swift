import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

struct SignInThrottleTests {
    private func config(clock: ManualClock) -> ServerConfig {
        var config = ServerConfig.testing(clock: clock)
        config.signInFailureLimit = 3
        config.signInFailureWindow = .seconds(900)
        return config
    }

    @Test
    func tooManyFailuresBlockEvenTheRightPasswordUntilTheWindowPasses() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let user = try await server.register("ada@example.org")
            for _ in 0..<3 {
                await expectProblem(401, "invalid_credentials") {
                    try await server.signIn("ada@example.org", password: "wrong password")
                }
                clock.advance(by: .seconds(10))
            }

            let problem = await expectProblem(429, "too_many_attempts", field: "email") {
                try await server.signIn("ada@example.org")
            }
            // The first failure was 30 s ago; it leaves the 900 s window in 870 s.
            #expect(problem?.problem.retryAfterSeconds == 870)
            let raw = try await server.raw(
                "POST",
                "/v1/sessions",
                body: Data(#"{"email": "ada@example.org", "password": "correct horse battery"}"#.utf8)
            )
            #expect(raw.status == 429)
            #expect(raw.header("Retry-After") == "870")

            // Other emails are not affected, and existing sessions keep working.
            try await server.register("grace@example.org")
            _ = try await server.signIn("grace@example.org")
            #expect(try await user.client.getAccount().ok.body.json.email == "ada@example.org")

            clock.advance(by: .seconds(869))
            await expectProblem(429, "too_many_attempts", field: "email") { try await server.signIn("ada@example.org") }

            clock.advance(by: .seconds(1))
            let grant = try await server.signIn("ada@example.org")
            #expect(grant.account.accountId == user.accountID)
        }
    }

    @Test
    func aSuccessfulSignInClearsTheFailures() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            try await server.register("ada@example.org")
            for _ in 0..<2 {
                await expectProblem(401, "invalid_credentials") {
                    try await server.signIn("ada@example.org", password: "nope nope nope")
                }
            }
            _ = try await server.signIn("ada@example.org")
            for _ in 0..<2 {
                await expectProblem(401, "invalid_credentials") {
                    try await server.signIn("ada@example.org", password: "nope nope nope")
                }
            }
            // Two failures since the success: still under the limit of three.
            _ = try await server.signIn("ada@example.org")
        }
    }

    @Test
    func unknownEmailsAreThrottledToo() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            for _ in 0..<3 {
                await expectProblem(401, "invalid_credentials") { try await server.signIn("nobody@example.org") }
            }
            await expectProblem(429, "too_many_attempts", field: "email") {
                try await server.signIn("Nobody@Example.org")
            }
        }
    }
}
