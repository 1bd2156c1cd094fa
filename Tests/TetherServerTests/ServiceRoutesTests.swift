import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

struct ServiceRoutesTests {
    @Test
    func healthReportsTheRegionAndVersion() async throws {
        var config = ServerConfig.testing
        config.region = try RegionID(validating: "eu-west")
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let health = try await server.client().getHealth().ok.body.json
            #expect(health.status == .ok)
            #expect(health.region == "eu-west")
            #expect(health.version == TetherVersion.current)
        }
    }

    @Test
    func metricsCountRequestsByRoute() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            try await server.register()
            await expectProblem(409, "email_taken", field: "email") { try await server.register() }
            let operatorToken = try await server.addOperatorToken()
            let body = try await server.client(token: operatorToken).getMetrics().ok.body.plainText
            let text = try await String(collecting: body, upTo: 1 << 22)
            #expect(text.contains(#"http_route="/v1/accounts""#))
            let accountLines = text.split(separator: "\n").filter { $0.contains(#"http_route="/v1/accounts""#) }
            #expect(accountLines.contains { $0.contains(#"http_response_status_code="201""#) })
            #expect(accountLines.contains { $0.contains(#"http_response_status_code="409""#) })
        }
    }

    @Test
    func metricsAreForAnOperatorOnly() async throws {
        // Finding 7: /metrics was public.
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            await expectProblem(401, "unauthenticated") { try await server.client().getMetrics() }
            await expectProblem(403, "forbidden") { try await server.client(token: user.accessToken).getMetrics() }
            let operatorToken = try await server.addOperatorToken()
            _ = try await server.client(token: operatorToken).getMetrics().ok
        }
    }

    @Test
    func errorsAreProblemDocuments() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let response = try await server.raw("GET", "/v1/account")
            #expect(response.status == 401)
            #expect(response.header("Content-Type") == "application/problem+json")
            #expect(response.header("WWW-Authenticate") == "Bearer")
            let problem = try #require(response.problem)
            #expect(problem.type == "https://tether.dev/problems/unauthenticated")
            #expect(problem.title == "Unauthorized")
            #expect(problem.status == 401)
            #expect(problem.code == "unauthenticated")
            #expect(problem.detail?.isEmpty == false)
        }
    }

    @Test
    func validationErrorsAreProblemDocumentsNamingTheField() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let body = Data(#"{"email": "ada@example.org", "password": "short"}"#.utf8)
            let response = try await server.raw("POST", "/v1/accounts", body: body)
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            let problem = try #require(response.problem)
            #expect(problem.code == "invalid_field")
            #expect(problem.field == "password")
            #expect(problem.type == "https://tether.dev/problems/invalid_field")
            #expect(problem.title == "Bad Request")
            // The password is not echoed back.
            #expect(!response.text.contains("short\""))
        }
    }

    @Test
    func responsesCarryARequestId() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let first = try await server.raw("GET", "/health")
            let second = try await server.raw("GET", "/health")
            #expect(first.status == 200)
            let firstID = try #require(first.header("X-Request-Id"))
            #expect(!firstID.isEmpty)
            #expect(second.header("X-Request-Id") != firstID)
        }
    }

    @Test
    func errorResponsesCarryARequestIdToo() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            var wrong = PairingCode.random()
            while wrong.description == code.code { wrong = PairingCode.random() }
            let claim = #"{"code": "\#(wrong.description)", "serial": "SN-1", "model": "TAG-1"}"#
            let badRegistration = #"{"email": "ada@example.org", "password": "short"}"#
            let responses = [
                try await server.raw("GET", "/v1/account"),
                try await server.raw("GET", "/v1/account", token: "xyz"),
                try await server.raw("POST", "/v1/devices/claim", body: Data(claim.utf8)),
                try await server.raw("POST", "/v1/accounts", body: Data(badRegistration.utf8)),
                try await server.raw("GET", "/v1/account", token: user.accessToken),
            ]
            #expect(responses.map(\.status) == [401, 401, 404, 400, 200])
            let ids = responses.compactMap { $0.header("X-Request-Id") }
            #expect(ids.count == responses.count)
            #expect(ids.allSatisfy { !$0.isEmpty })
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test
    func unknownRoutesAnswer404() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let response = try await server.raw("GET", "/v1/nothing-here")
            #expect(response.status == 404)
            #expect(response.header("X-Request-Id")?.isEmpty == false)
        }
    }

    @Test(arguments: TetherError.Kind.allCases)
    func everyErrorKindHasOneStatus(kind: TetherError.Kind) {
        let expected: [TetherError.Kind: Int] = [
            .invalidInput: 400, .unauthenticated: 401, .forbidden: 403, .notFound: 404, .methodNotAllowed: 405,
            .conflict: 409, .unprocessable: 422, .gone: 410, .tooLarge: 413, .unsupportedMediaType: 415,
            .misdirected: 421, .rateLimited: 429, .unavailable: 503, .internal: 500,
        ]
        #expect(kind.status.code == expected[kind])
        // A peer's problem passed on keeps its kind.
        #expect(TetherError.Kind(status: kind.status.code) == kind)
    }

    @Test func aStatusWithoutItsOwnKindIsInvalidInputOrUnavailable() {
        #expect(TetherError.Kind(status: 418) == .invalidInput)
        #expect(TetherError.Kind(status: 502) == .unavailable)
    }
}
