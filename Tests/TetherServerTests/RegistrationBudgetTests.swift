import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherServer
import TetherTesting

/// Registrations are limited per client address (issue 17, "bcrypt as a lever").
struct RegistrationBudgetTests {
    private func body(_ email: String) -> Data {
        Data(#"{"email": "\#(email)", "password": "\#(goodPassword)"}"#.utf8)
    }

    @Test
    func registrationsFromOneAddressAreLimitedPerHour() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        #expect(config.registrationAddressLimit == 60)
        config.registrationAddressLimit = 3
        try await TestServer.withRunning(config: config) { server in
            let source = "127.0.0.2"
            for index in 0..<2 {
                let created = try await server.raw(
                    "POST",
                    "/v1/accounts",
                    body: self.body("user\(index)@example.org"),
                    from: source
                )
                #expect(created.status == 201)
                clock.advance(by: .seconds(60))
            }
            // Asking for a taken email counts too: it tells whether an account exists.
            let taken = try await server.raw("POST", "/v1/accounts", body: self.body("user0@example.org"), from: source)
            #expect(taken.problem?.code == "email_taken")

            let refused = try await server.raw(
                "POST",
                "/v1/accounts",
                body: self.body("user9@example.org"),
                from: source
            )
            #expect(refused.status == 429)
            #expect(refused.problem?.code == "too_many_attempts")
            #expect(refused.problem?.field == "email")
            // The first registration was 120 s ago; it leaves the hour in 3,480 s.
            #expect(refused.header("Retry-After") == "3480")

            // Invalid requests are refused before they count or cost anything.
            let invalid = try await server.raw("POST", "/v1/accounts", body: self.body("not-an-email"), from: source)
            #expect(invalid.status == 400)

            // Another address is not affected.
            try await server.register("grace@example.org")

            clock.advance(by: .seconds(3_480))
            let later = try await server.raw("POST", "/v1/accounts", body: self.body("user9@example.org"), from: source)
            #expect(later.status == 201)
        }
    }
}
