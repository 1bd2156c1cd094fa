import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

struct AccountRoutesTests {
    @Test
    func registeringCreatesANormalisedAccountAndSignsIn() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register("  Ada@Example.ORG ")
            let account = user.grant.account
            #expect(account.email == "ada@example.org")
            #expect(account.region == "local")
            #expect(account.createdAt == testEpoch)
            #expect(!account.accountId.isEmpty)
            #expect(user.accessToken.hasPrefix("tat_"))
            #expect(user.refreshToken.hasPrefix("trt_"))
            #expect(user.grant.accessExpiresAt == testEpoch.addingTimeInterval(3_600))
            #expect(user.grant.refreshExpiresAt == testEpoch.addingTimeInterval(30 * 86_400))

            let me = try await user.client.getAccount().ok.body.json
            #expect(me == account)
        }
    }

    @Test
    func aServerAloneIsHomeToEveryLocationAndTheHintIsRecorded() async throws {
        var config = ServerConfig.testing
        config.region = try RegionID(validating: "eu")
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let located = try await server.register("ada@example.org", latitude: 52.52, longitude: 13.405)
            #expect(located.grant.account.region == "eu")
            let signup = try await located.client.exportAccount().ok.body.json.signup
            #expect(signup.latitude == 52.52)
            #expect(signup.longitude == 13.405)
            #expect(signup.requestedRegion == nil)

            let chosen = try await server.register("grace@example.org", region: "eu")
            #expect(chosen.grant.account.region == "eu")
            let chosenSignup = try await chosen.client.exportAccount().ok.body.json.signup
            #expect(chosenSignup.requestedRegion == "eu")
            #expect(chosenSignup.latitude == nil)

            // A server that runs alone knows no other region.
            await expectProblem(400, "invalid_field", field: "region") {
                try await server.register("alan@example.org", region: "us-east")
            }
        }
    }

    @Test
    func aSecondAccountWithTheSameEmailIsRefused() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let first = try await server.register("ada@example.org")
            await expectProblem(409, "email_taken", field: "email") {
                try await server.register("ADA@example.org ", password: "another password")
            }
            // The original account still signs in with its own password only.
            let grant = try await server.signIn("ada@example.org")
            #expect(grant.account.accountId == first.accountID)
            await expectProblem(401, "invalid_credentials") {
                try await server.signIn("ada@example.org", password: "another password")
            }
        }
    }

    @Test(
        arguments: [
            ("not-an-email", goodPassword, nil, nil, nil, "email"),
            ("", goodPassword, nil, nil, nil, "email"),
            ("ada@example.org", "short", nil, nil, nil, "password"),
            ("ada@example.org", String(repeating: "p", count: 73), nil, nil, nil, "password"),
            ("ada@example.org", goodPassword, 91.0, 0.0, nil, "latitude"),
            ("ada@example.org", goodPassword, -90.5, 0.0, nil, "latitude"),
            ("ada@example.org", goodPassword, 0.0, 180.5, nil, "longitude"),
            ("ada@example.org", goodPassword, 10.0, nil, nil, "longitude"),
            ("ada@example.org", goodPassword, nil, 10.0, nil, "latitude"),
            ("ada@example.org", goodPassword, nil, nil, "EU West", "region"),
        ] as [(String, String, Double?, Double?, String?, String)]
    )
    func badInputIsRefusedNamingTheFieldAndCreatesNothing(
        email: String,
        password: String,
        latitude: Double?,
        longitude: Double?,
        region: String?,
        field: String
    ) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let problem = await expectProblem(400, "invalid_field", field: field) {
                try await server.register(
                    email,
                    password: password,
                    latitude: latitude,
                    longitude: longitude,
                    region: region
                )
            }
            #expect(problem?.problem.detail?.hasPrefix(field) == true)
            // Nothing was stored: the email is still free.
            let user = try await server.register("ada@example.org")
            #expect(user.grant.account.email == "ada@example.org")
        }
    }

    @Test(arguments: [
        (#"{"email": "ada@example.org"}"#, "password"),
        (#"{"password": "correct horse battery"}"#, "email"),
        (#"{"email": 42, "password": "correct horse battery"}"#, "email"),
        (#"{"email": "ada@example.org", "password": "correct horse battery", "latitude": "north"}"#, "latitude"),
    ])
    func missingOrMistypedJSONFieldsAreNamed(json: String, field: String) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let response = try await server.raw("POST", "/v1/accounts", body: Data(json.utf8))
            #expect(response.status == 400)
            #expect(response.problem?.code == "invalid_field")
            #expect(response.problem?.field == field)
        }
    }

    @Test(arguments: ["not json", "{", "", #"["ada@example.org"]"#, "null", "42", #""ada@example.org""#])
    func aBodyThatIsNotAJSONObjectIsMalformed(body: String) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let response = try await server.raw("POST", "/v1/accounts", body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            let problem = try #require(response.problem)
            #expect(problem.code == "malformed_body")
            #expect(problem.field == nil)
            #expect(problem.status == 400)
        }
    }

    @Test
    func aBodyInAnotherMediaTypeIsRefusedWith415() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let json = #"{"email": "ada@example.org", "password": "correct horse battery"}"#
            let response = try await server.raw(
                "POST",
                "/v1/accounts",
                body: Data(json.utf8),
                contentType: "text/plain"
            )
            #expect(response.status == 415)
            #expect(response.problem?.code == "unsupported_media_type")
            // Nothing was created.
            try await server.register("ada@example.org")
        }
    }

    @Test
    func anOversizedBodyIsRefusedWith413() async throws {
        var config = ServerConfig.testing
        config.maxBodyBytes = 2_048
        try await TestServer.withRunning(config: config, connection: .socket) { server in
            let padding = String(repeating: "x", count: 8_192)
            let json = #"{"email": "ada@example.org", "password": "correct horse battery", "region": "\#(padding)"}"#
            let response = try await server.raw("POST", "/v1/accounts", body: Data(json.utf8))
            #expect(response.status == 413)
            #expect(response.problem?.code == "body_too_large")
            #expect(response.header("Content-Type") == "application/problem+json")

            // Nothing was created, and a body under the limit still works.
            let user = try await server.register("ada@example.org")
            #expect(user.grant.account.email == "ada@example.org")
        }
    }

    @Test
    func theAccountNeedsAnAccessToken() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            try await server.register()
            await expectProblem(401, "unauthenticated") { try await server.client().getAccount() }
            await expectProblem(401, "unauthenticated") { try await server.client(token: "tat_forged").getAccount() }
            await expectProblem(401, "unauthenticated") { try await server.client(token: "garbage").getAccount() }
        }
    }
}
