import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherServer
import TetherTesting

/// Unknown device credentials are limited per client address on every route that reads one
/// (issue 17, "abuse budgets").
struct CredentialBudgetTests {
    private let guesser = "127.0.0.2"

    /// A device credential of the right shape that no device has.
    private func unknownCredential(like credential: String) -> String {
        String(credential.prefix(4)) + String(repeating: "A", count: credential.count - 4)
    }

    @Test
    func unknownDeviceCredentialsThrottleTheAddressBeforeAnyLookup() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        #expect(config.credentialFailureLimit == 20)
        #expect(config.credentialFailureWindow == .seconds(900))
        config.credentialFailureLimit = 3
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            let device = try await server.pairDevice(for: user)
            let unknown = self.unknownCredential(like: device.credential)
            #expect(unknown.hasPrefix("tdc_") && unknown != device.credential)

            // Three routes, one failure each: the device's own, telemetry and an operator one.
            let me = try await server.raw("GET", "/v1/device", token: unknown, from: self.guesser)
            #expect(me.status == 401)
            let telemetry = try await server.raw(
                "POST",
                "/v1/telemetry",
                body: Data("[]".utf8),
                token: unknown,
                from: self.guesser
            )
            #expect(telemetry.status == 401)
            clock.advance(by: .seconds(30))
            let stats = try await server.raw("GET", "/v1/operator/stats", token: unknown, from: self.guesser)
            #expect(stats.status == 401)

            // Now even the right credential from there is refused unchecked, on any route.
            for path in ["/v1/device", "/v1/operator/stats"] {
                let refused = try await server.raw("GET", path, token: device.credential, from: self.guesser)
                #expect(refused.status == 429)
                #expect(refused.problem?.code == "too_many_attempts")
                #expect(refused.header("Retry-After") == "870")
            }
            // The device itself, elsewhere, is not affected.
            let mine = try await server.raw("GET", "/v1/device", token: device.credential)
            #expect(mine.status == 200)

            clock.advance(by: .seconds(870))
            let later = try await server.raw("GET", "/v1/device", token: device.credential, from: self.guesser)
            #expect(later.status == 200)
        }
    }

    @Test
    func validCredentialsFromOneAddressNeverCount() async throws {
        var config = ServerConfig.testing(clock: ManualClock(start: testEpoch))
        config.credentialFailureLimit = 1
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            var credentials: [String] = []
            for index in 0..<5 {
                credentials.append(try await server.pairDevice(for: user, serial: "SN-\(index)").credential)
            }
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for credential in credentials {
                    for _ in 0..<10 {
                        group.addTask { try await server.raw("GET", "/v1/device", token: credential).status }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 50)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }
}
