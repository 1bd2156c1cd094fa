import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// Export and deletion: an account can take all its data and delete all of it.
struct AccountDataTests {
    @Test
    func theExportHoldsDevicesSessionsAndPairingCodes() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register("ada@example.org", latitude: -33.8688, longitude: 151.2093)
            clock.advance(by: .seconds(60))
            let second = try await server.signIn("ada@example.org")
            let paired = try await server.pairDevice(for: user, serial: "SN-1")
            let pending = try await server.pairingCode(for: user)
            clock.advance(by: .seconds(60))

            let export = try await user.client.exportAccount().ok.body.json
            #expect(export.format == "tether.export.v1")
            #expect(export.exportedAt == testEpoch.addingTimeInterval(120))
            #expect(export.account == user.grant.account)
            #expect(export.signup.latitude == -33.8688)
            #expect(export.signup.longitude == 151.2093)
            #expect(export.devices == [paired.device])
            #expect(export.sessions.map(\.createdAt) == [testEpoch, testEpoch.addingTimeInterval(60)])
            #expect(export.sessions.last?.accessExpiresAt == second.accessExpiresAt)
            #expect(export.pairingCodes.count == 2)
            let claimed = try #require(export.pairingCodes.first { $0.deviceId != nil })
            #expect(claimed.deviceId == paired.deviceId)
            #expect(claimed.claimedAt == testEpoch.addingTimeInterval(60))
            #expect(export.pairingCodes.contains { $0.id == pending.id && $0.claimedAt == nil })
        }
    }

    @Test
    func theExportHoldsRecentFailedSignIns() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            #expect(try await user.client.exportAccount().ok.body.json.failedSignIns.isEmpty)

            clock.advance(by: .seconds(10))
            await expectProblem(401, "invalid_credentials") {
                try await server.signIn("ada@example.org", password: "wrong password")
            }
            clock.advance(by: .seconds(5))
            await expectProblem(401, "invalid_credentials") {
                try await server.signIn("ADA@example.org", password: "wrong again")
            }
            let export = try await user.client.exportAccount().ok.body.json
            #expect(export.failedSignIns == [testEpoch.addingTimeInterval(10), testEpoch.addingTimeInterval(15)])
            #expect(try await grace.client.exportAccount().ok.body.json.failedSignIns.isEmpty)
            let raw = try await server.raw("GET", "/v1/account/export", token: user.accessToken)
            #expect(raw.text.contains("\"failed_sign_ins\""))

            // A successful sign-in clears them.
            _ = try await server.signIn("ada@example.org")
            #expect(try await user.client.exportAccount().ok.body.json.failedSignIns.isEmpty)
        }
    }

    @Test
    func theExportHoldsNoSecretsOrTheirDigests() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let second = try await server.signIn("ada@example.org")
            let code = try await server.pairingCode(for: user)
            let paired = try await server.claim(code.code, serial: "SN-1")
            let pending = try await server.pairingCode(for: user)

            let response = try await server.raw("GET", "/v1/account/export", token: user.accessToken)
            #expect(response.status == 200)
            let text = response.text
            #expect(text.contains(paired.deviceId))
            let secrets = [
                user.accessToken, user.refreshToken, second.accessToken, second.refreshToken, paired.credential,
            ]
            let codes = try [code.code, pending.code].map { try PairingCode(parsing: $0).normalised }
            for secret in secrets + codes {
                #expect(!text.contains(secret))
                #expect(!text.contains(SecretToken.digest(of: secret)))
            }
            for code in codes {
                #expect(!text.contains(String(code.prefix(4)) + "-" + String(code.suffix(4))))
            }
            #expect(!text.contains(goodPassword))
            #expect(!text.contains("$2b$"))
            #expect(!text.contains("$2y$"))
            #expect(!text.contains("hash"))
        }
    }

    @Test
    func deletingTheAccountRevokesEveryTokenAndCredential() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let second = try await server.signIn("ada@example.org")
            let device = try await server.pairDevice(for: user, serial: "SN-1")
            let code = try await server.pairingCode(for: user)

            let receipt = try await user.client.deleteAccount().ok.body.json
            #expect(receipt.deleted)

            await expectProblem(401, "unauthenticated") { try await user.client.getAccount() }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: second.accessToken).listDevices()
            }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: device.credential).getCallingDevice()
            }
            await expectProblem(401, "refresh_token_invalid", field: "refresh_token") {
                try await server.client().refreshSession(body: .json(.init(refreshToken: second.refreshToken)))
            }
            await expectProblem(404, "pairing_code_not_found", field: "code") {
                try await server.claim(code.code, serial: "SN-2")
            }
            await expectProblem(401, "invalid_credentials") { try await server.signIn("ada@example.org") }
            await expectProblem(401, "unauthenticated") { try await user.client.deleteAccount() }
        }
    }

    @Test
    func aDeletedEmailCanRegisterAgainAsANewAccount() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let first = try await server.register("ada@example.org")
            _ = try await server.pairDevice(for: first, serial: "SN-1")
            _ = try await first.client.deleteAccount().ok

            let again = try await server.register("ada@example.org", password: "a new password!")
            #expect(again.accountID != first.accountID)
            #expect(try await again.client.listDevices().ok.body.json.isEmpty)
            // The serial of the deleted account's device is free again.
            let device = try await server.pairDevice(for: again, serial: "SN-1")
            #expect(device.device.serial == "SN-1")
            await expectProblem(401, "invalid_credentials") { try await server.signIn("ada@example.org") }
        }
    }
}
