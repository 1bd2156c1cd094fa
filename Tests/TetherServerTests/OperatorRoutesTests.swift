import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherStore
import TetherTesting

struct OperatorRoutesTests {
    @Test
    func anOperatorTokenReadsServiceWideCounts() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            _ = try await server.signIn("grace@example.org")
            _ = try await server.pairDevice(for: ada, serial: "SN-1")
            _ = try await server.pairDevice(for: ada, serial: "SN-2")
            _ = try await server.pairDevice(for: grace, serial: "SN-3")
            let token = try await server.addOperatorToken()
            #expect(token.hasPrefix("top_"))

            let stats = try await server.client(token: token).getOperatorStats().ok.body.json
            #expect(stats.region == "local")
            #expect(stats.accounts == 2)
            #expect(stats.devices == 3)
            #expect(stats.activeSessions == 3)

            _ = try await grace.client.deleteAccount().ok
            clock.advance(by: .seconds(30 * 86_400))
            let later = try await server.client(token: token).getOperatorStats().ok.body.json
            #expect(later.accounts == 1)
            #expect(later.devices == 2)
            #expect(later.activeSessions == 0)
        }
    }

    @Test
    func otherCredentialsAreRefused() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let device = try await server.pairDevice(for: user)
            _ = try await server.addOperatorToken()

            await expectProblem(401, "unauthenticated") { try await server.client().getOperatorStats() }
            await expectProblem(403, "forbidden") { try await user.client.getOperatorStats() }
            await expectProblem(403, "forbidden") {
                try await server.client(token: device.credential).getOperatorStats()
            }
            let unknown = SecretToken.generate(.operator).text
            await expectProblem(401, "unauthenticated") { try await server.client(token: unknown).getOperatorStats() }
        }
    }

    @Test
    func tokensThatAreNotKnownCredentialsAreUnauthenticated() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let device = try await server.pairDevice(for: user)
            let signedOut = try await server.signIn(user.email)
            _ = try await server.client(token: signedOut.accessToken).signOut().noContent
            let unknown = [
                "xyz",
                SecretToken.generate(.access).text,
                SecretToken.generate(.deviceCredential).text,
                signedOut.accessToken,
                // A refresh token is a real credential, but never a bearer token.
                user.refreshToken,
            ]
            for token in unknown {
                await expectProblem(401, "unauthenticated") { try await server.client(token: token).getOperatorStats() }
            }
            let raw = try await server.raw("GET", "/v1/operator/stats", token: "xyz")
            #expect(raw.status == 401)
            #expect(raw.problem?.code == "unauthenticated")

            // Known credentials of accounts and devices are forbidden, not unauthenticated.
            await expectProblem(403, "forbidden") { try await user.client.getOperatorStats() }
            await expectProblem(403, "forbidden") {
                try await server.client(token: device.credential).getOperatorStats()
            }
            // Re-pairing revokes the old credential.
            let repaired = try await server.pairDevice(for: user, serial: device.device.serial)
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: device.credential).getOperatorStats()
            }
            await expectProblem(403, "forbidden") {
                try await server.client(token: repaired.credential).getOperatorStats()
            }
        }
    }

    @Test
    func anOperatorRunsAPassOfABackgroundJob() async throws {
        // Jobs run only when stepped: the repeat below is the operator's pass.
        var config = ServerConfig.alerting
        config.jobClock = SteppedClock()
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let household = try await server.household()
            _ = try await household.client.setAlertRules(body: .json(.init(repeatIntervalS: 60))).ok
            try await server.walkAway(household)
            #expect(try await household.alerts().first?.repeatCount == 0)
            let token = try await server.addOperatorToken()

            let run = try await server.client(token: token).runOperatorJob(path: .init(job: "alert-ticker")).ok.body
                .json
            #expect(run.job == "alert-ticker")
            #expect(run.durationMs >= 0)
            #expect(try await household.alerts().first?.repeatCount == 1)

            // A region alone runs no replication; names are not paths.
            for name in ["directory-replication", "account-replication", "no-such-job", "..%2Fstats"] {
                await expectProblem(404, "job_not_found", field: "job") {
                    try await server.client(token: token).runOperatorJob(path: .init(job: name))
                }
            }
            await expectProblem(403, "forbidden") {
                try await household.client.runOperatorJob(path: .init(job: "alert-ticker"))
            }
            await expectProblem(401, "unauthenticated") {
                try await server.client().runOperatorJob(path: .init(job: "retention"))
            }
            #expect(server.jobs.names.contains(.retention) && !server.jobs.names.contains(.directoryReplication))
        }
    }
}
