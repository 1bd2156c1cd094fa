import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Wrong pairing codes are limited per client address (every test client is 127.0.0.1).
struct ClaimThrottleTests {
    private func config(clock: ManualClock) -> ServerConfig {
        var config = ServerConfig.testing(clock: clock)
        config.claimFailureLimit = 3
        // Codes outlive the 10-minute claim window here, so one code works after waiting it out.
        config.pairingCodeLifetime = .seconds(3_600)
        config.accessTokenLifetime = .seconds(86_400)
        return config
    }

    /// A well-formed code that is not `code`.
    private func wrongCode(besides code: String) -> String {
        var wrong = PairingCode.random()
        while wrong.description == code { wrong = PairingCode.random() }
        return wrong.description
    }

    private func claimBody(_ code: String, serial: String = "SN-1") -> Data {
        Data(#"{"code": "\#(code)", "serial": "\#(serial)", "model": "TAG-1"}"#.utf8)
    }

    @Test
    func wrongCodesThrottleTheAddressEvenForAValidCodeUntilTheWindowPasses() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            for _ in 0..<3 {
                await expectProblem(404, "pairing_code_not_found", field: "code") {
                    try await server.claim(self.wrongCode(besides: code.code), serial: "SN-1")
                }
                clock.advance(by: .seconds(10))
            }

            // The first wrong code was 30 s ago; it leaves the 600 s window in 570 s.
            let problem = await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(code.code, serial: "SN-1")
            }
            #expect(problem?.problem.retryAfterSeconds == 570)
            let raw = try await server.raw("POST", "/v1/devices/claim", body: self.claimBody(code.code))
            #expect(raw.status == 429)
            #expect(raw.header("Retry-After") == "570")
            #expect(raw.problem?.code == "too_many_attempts")
            #expect(raw.problem?.field == "code")

            // Nothing was paired and the code is still pending.
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
            let pending = try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
            #expect(pending.state == .pending)

            clock.advance(by: .seconds(569))
            await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(code.code, serial: "SN-1")
            }
            clock.advance(by: .seconds(1))
            let grant = try await server.claim(code.code, serial: "SN-1")
            #expect(try await user.client.listDevices().ok.body.json == [grant.device])
        }
    }

    @Test
    func aFreshCodeAfterTheWindowWorksWithTheDefaultCodeLifetime() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.claimFailureLimit = 3
        #expect(config.claimFailureWindow == .seconds(600))
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            for _ in 0..<3 {
                await expectProblem(404, "pairing_code_not_found", field: "code") {
                    try await server.claim(PairingCode.random().description, serial: "SN-1")
                }
            }
            let early = try await server.pairingCode(for: user)
            await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(early.code, serial: "SN-1")
            }

            // The wrong codes leave the window as the early code expires: ask for a new one.
            clock.advance(by: .seconds(600))
            let code = try await server.pairingCode(for: user)
            let grant = try await server.claim(code.code, serial: "SN-1")
            #expect(grant.device.serial == "SN-1")
        }
    }

    @Test
    func usedAndExpiredCodesCountAsWrongCodes() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = self.config(clock: clock)
        config.pairingCodeLifetime = .seconds(60)
        try await TestServer.withRunning(config: config) { server in
            let user = try await server.register()
            let used = try await server.pairingCode(for: user)
            _ = try await server.claim(used.code, serial: "SN-1")
            let expiring = try await server.pairingCode(for: user)
            clock.advance(by: .seconds(60))
            let valid = try await server.pairingCode(for: user)

            await expectProblem(409, "pairing_code_used", field: "code") {
                try await server.claim(used.code, serial: "SN-2")
            }
            await expectProblem(410, "pairing_code_expired", field: "code") {
                try await server.claim(expiring.code, serial: "SN-2")
            }
            await expectProblem(404, "pairing_code_not_found", field: "code") {
                try await server.claim(self.wrongCode(besides: valid.code), serial: "SN-2")
            }
            await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(valid.code, serial: "SN-2")
            }
            #expect(try await user.client.listDevices().ok.body.json.count == 1)
        }
    }

    @Test
    func errorsOtherThanCodeErrorsDoNotCount() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            _ = try await server.pairDevice(for: grace, serial: "GRACE-1")
            let code = try await server.pairingCode(for: ada)

            for _ in 0..<4 {
                await expectProblem(400, "invalid_field", field: "serial") {
                    try await server.claim(code.code, serial: "bad serial")
                }
                await expectProblem(400, "invalid_field", field: "model") {
                    try await server.claim(code.code, serial: "SN-1", model: "")
                }
                // Text that cannot be a code is refused before any lookup.
                await expectProblem(400, "invalid_field", field: "code") {
                    try await server.claim("NOT-A-CODE", serial: "SN-1")
                }
            }
            let malformed = try await server.raw("POST", "/v1/devices/claim", body: Data("{".utf8))
            #expect(malformed.status == 400)

            // Two wrong codes stay under the limit of three.
            for _ in 0..<2 {
                await expectProblem(404, "pairing_code_not_found", field: "code") {
                    try await server.claim(self.wrongCode(besides: code.code), serial: "SN-1")
                }
            }
            let grant = try await server.claim(code.code, serial: "SN-1")
            #expect(grant.device.serial == "SN-1")
        }
    }

    /// A claim of a serial paired to another account probes for serials: it counts like a wrong code.
    @Test
    func claimsOfSerialsPairedElsewhereCountAsWrongCodes() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            _ = try await server.pairDevice(for: grace, serial: "GRACE-1")
            let code = try await server.pairingCode(for: ada)
            for _ in 0..<3 {
                await expectProblem(409, "serial_taken", field: "serial") {
                    try await server.claim(code.code, serial: "GRACE-1")
                }
            }
            let problem = await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(code.code, serial: "SN-1")
            }
            #expect(problem?.problem.retryAfterSeconds == 600)
            clock.advance(by: .seconds(600))
            let grant = try await server.claim(code.code, serial: "SN-1")
            #expect(grant.device.serial == "SN-1")
        }
    }

    @Test
    func parallelWrongCodesCannotOverrunTheLimit() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<12 {
                    let body = self.claimBody(self.wrongCode(besides: code.code), serial: "SN-\(index)")
                    group.addTask { try await server.raw("POST", "/v1/devices/claim", body: body).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 404 }.count <= 3)
            #expect(statuses.allSatisfy { $0 == 404 || $0 == 429 })
            await expectProblem(429, "too_many_attempts", field: "code") {
                try await server.claim(code.code, serial: "SN-1")
            }
        }
    }

    @Test
    func aSuccessfulClaimDoesNotCount() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: self.config(clock: clock)) { server in
            let user = try await server.register()
            for index in 0..<5 {
                _ = try await server.pairDevice(for: user, serial: "SN-\(index)")
            }
            for _ in 0..<2 {
                await expectProblem(404, "pairing_code_not_found", field: "code") {
                    try await server.claim(PairingCode.random().description, serial: "SN-9")
                }
            }
            _ = try await server.pairDevice(for: user, serial: "SN-9")
            #expect(try await user.client.listDevices().ok.body.json.count == 6)
        }
    }
}
