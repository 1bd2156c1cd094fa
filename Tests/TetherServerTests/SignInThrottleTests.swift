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
        try await TestServer.withRunning(config: self.config(clock: clock), connection: .inProcess) { server in
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
    func parallelWrongPasswordsCannotOverrunTheLimit() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.signInFailureLimit = 5
        #expect(config.signInFailureWindow == .seconds(900))
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let body = Data(#"{"email": "ada@example.org", "password": "wrong password"}"#.utf8)
            let responses = try await withThrowingTaskGroup(of: RawResponse.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await server.raw("POST", "/v1/sessions", body: body) }
                }
                return try await group.reduce(into: [RawResponse]()) { $0.append($1) }
            }
            let refused = responses.filter { $0.status == 401 }
            let throttled = responses.filter { $0.status == 429 }
            // Every attempt was checked and recorded at the same instant: exactly five got through.
            #expect(refused.count == 5)
            #expect(throttled.count == 7)
            #expect(refused.allSatisfy { $0.problem?.code == "invalid_credentials" })
            #expect(throttled.allSatisfy { $0.problem?.code == "too_many_attempts" && $0.problem?.field == "email" })
            #expect(throttled.allSatisfy { $0.header("Retry-After") == "900" })

            // The right password is refused too, until the failures leave the window.
            await expectProblem(429, "too_many_attempts", field: "email") { try await server.signIn("ada@example.org") }
            clock.advance(by: .seconds(899))
            await expectProblem(429, "too_many_attempts", field: "email") { try await server.signIn("ada@example.org") }
            clock.advance(by: .seconds(1))
            let grant = try await server.signIn("ada@example.org")
            #expect(grant.account.accountId == user.accountID)
        }
    }

    @Test
    func aSuccessfulSignInClearsTheFailures() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock), connection: .inProcess) { server in
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
        try await TestServer.withRunning(config: self.config(clock: clock), connection: .inProcess) { server in
            for _ in 0..<3 {
                await expectProblem(401, "invalid_credentials") { try await server.signIn("nobody@example.org") }
            }
            await expectProblem(429, "too_many_attempts", field: "email") {
                try await server.signIn("Nobody@Example.org")
            }
        }
    }
}
