import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherServer
import TetherTesting

/// Failed sign-ins are counted per client address too, and lock an email out only where they
/// came from (issue 17, "bcrypt as a lever"). Clients connect from distinct loopback addresses.
struct SignInAddressBudgetTests {
    private let attacker = "127.0.0.2"

    private func signInBody(_ email: String, _ password: String = "wrong password") -> Data {
        Data(#"{"email": "\#(email)", "password": "\#(password)"}"#.utf8)
    }

    @Test
    func fortyWrongSignInsForFortyEmailsFromOneAddressAreThrottledPastTheDefaultLimit() async throws {
        let clock = ManualClock(start: testEpoch)
        let config = ServerConfig.testing(clock: clock)
        #expect(config.signInAddressLimit == 20)
        try await TestServer.withRunning(config: config) { server in
            try await server.register("ada@example.org")
            var answers: [RawResponse] = []
            for index in 0..<40 {
                let body = self.signInBody("user\(index)@example.org")
                answers.append(try await server.raw("POST", "/v1/sessions", body: body, from: self.attacker))
            }
            #expect(answers.prefix(20).allSatisfy { $0.status == 401 && $0.problem?.code == "invalid_credentials" })
            let throttled = answers.dropFirst(20)
            #expect(throttled.allSatisfy { $0.status == 429 && $0.problem?.code == "too_many_attempts" })
            // Every failure was at the same instant: the window frees in its full length.
            #expect(throttled.allSatisfy { $0.header("Retry-After") == "900" })

            // The right password from there is refused too; from another address it works.
            let right = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody("ada@example.org", goodPassword),
                from: self.attacker
            )
            #expect(right.status == 429)
            _ = try await server.signIn("ada@example.org")

            clock.advance(by: .seconds(900))
            let later = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody("ada@example.org", goodPassword),
                from: self.attacker
            )
            #expect(later.status == 200)
        }
    }

    @Test
    func wrongPasswordsFromOneAddressDoNotLockTheOwnerOutElsewhere() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock)) { server in
            let ada = try await server.register("ada@example.org")
            for _ in 0..<5 {
                let wrong = try await server.raw(
                    "POST",
                    "/v1/sessions",
                    body: self.signInBody(ada.email),
                    from: self.attacker
                )
                #expect(wrong.status == 401)
            }
            let locked = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email, goodPassword),
                from: self.attacker
            )
            #expect(locked.status == 429)
            #expect(locked.problem?.code == "too_many_attempts")
            #expect(locked.problem?.field == "email")
            #expect(locked.header("Retry-After") == "900")

            // The owner, from her own address, signs in; her success does not clear the attacker's failures.
            let grant = try await server.signIn(ada.email)
            #expect(grant.account.accountId == ada.accountID)
            let still = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email),
                from: self.attacker
            )
            #expect(still.status == 429)
        }
    }

    @Test
    func anEmailUnderASpreadAttackStillLetsEveryNewAddressTryOnce() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.signInEmailLimit = 4
        try await TestServer.withRunning(config: config) { server in
            let ada = try await server.register("ada@example.org")
            // Four addresses, one wrong password each, fill the email's budget.
            for host in 2...5 {
                let wrong = try await server.raw(
                    "POST",
                    "/v1/sessions",
                    body: self.signInBody(ada.email),
                    from: "127.0.0.\(host)"
                )
                #expect(wrong.status == 401)
                clock.advance(by: .seconds(10))
            }
            // Now each address has one attempt per window for it, instead of five.
            let first = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email),
                from: "127.0.0.6"
            )
            #expect(first.status == 401)
            let second = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email),
                from: "127.0.0.6"
            )
            #expect(second.status == 429)
            #expect(second.header("Retry-After") == "900")
            let again = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email),
                from: "127.0.0.2"
            )
            #expect(again.status == 429)
            // The first failure from 127.0.0.2 leaves the window after 900 s, 40 s of which have passed.
            #expect(again.header("Retry-After") == "860")

            // The owner at an address new to the attack gets in: she is never locked out.
            let owner = try await server.raw(
                "POST",
                "/v1/sessions",
                body: self.signInBody(ada.email, goodPassword),
                from: "127.0.0.7"
            )
            #expect(owner.status == 200)

            // After one window everything is forgotten.
            clock.advance(by: .seconds(900))
            for _ in 0..<2 {
                let wrong = try await server.raw(
                    "POST",
                    "/v1/sessions",
                    body: self.signInBody(ada.email),
                    from: "127.0.0.6"
                )
                #expect(wrong.status == 401)
            }
        }
    }
}
