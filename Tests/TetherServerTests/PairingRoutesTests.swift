import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

struct PairingRoutesTests {
    @Test
    func aClaimedCodePairsTheDeviceToTheAccount() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            #expect(code.expiresAt == testEpoch.addingTimeInterval(600))
            let typed = try PairingCode(parsing: code.code)
            #expect(typed.description == code.code)

            clock.advance(by: .seconds(30))
            let request = Components.Schemas.ClaimRequest(
                code: typed.normalised.lowercased(),
                serial: "SN-0001",
                model: "Buds Pro",
                kind: .earbuds,
                hwVersion: "rev B",
                swVersion: "2.1.0"
            )
            let grant = try await server.client().claimDevice(body: .json(request)).created.body.json
            #expect(grant.credential.hasPrefix("tdc_"))
            #expect(grant.deviceId == grant.device.id)
            #expect(grant.device.serial == "SN-0001")
            #expect(grant.device.model == "Buds Pro")
            #expect(grant.device.kind == .earbuds)
            #expect(grant.device.name == "Buds Pro")
            #expect(grant.device.hwVersion == "rev B")
            #expect(grant.device.swVersion == "2.1.0")
            #expect(grant.device.pairedAt == testEpoch.addingTimeInterval(30))
            #expect(grant.device.lastSeen == nil)

            let devices = try await user.client.listDevices().ok.body.json
            #expect(devices == [grant.device])
        }
    }

    @Test
    func aClaimWithoutKindOrNameIsATrackerNamedAfterItsModel() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            let grant = try await server.claim(" \(code.code.lowercased()) ", serial: "SN-1", model: "TAG-1")
            #expect(grant.device.kind == .tracker)
            #expect(grant.device.name == "TAG-1")
        }
    }

    @Test
    func theCodesStatusShowsPendingThenClaimedWithTheDevice() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            let pending = try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
            #expect(pending.id == code.id)
            #expect(pending.state == .pending)
            #expect(pending.expiresAt == code.expiresAt)
            #expect(pending.device == nil)

            let grant = try await server.claim(code.code, serial: "SN-1")
            let claimed = try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
            #expect(claimed.state == .claimed)
            #expect(claimed.device == grant.device)

            await expectProblem(404, "not_found", field: "pairingId") {
                try await user.client.getPairingCode(path: .init(pairingId: "no-such-code"))
            }
        }
    }

    @Test
    func anUnknownCodeIsNotFoundAndCreatesNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            var unknown = PairingCode.random()
            while unknown.description == code.code { unknown = PairingCode.random() }
            await expectProblem(404, "pairing_code_not_found", field: "code") {
                try await server.claim(unknown.description, serial: "SN-1")
            }
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
            #expect(
                try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json.state == .pending
            )
        }
    }

    @Test(arguments: ["", "ABC", "ABCD-EFGH-J", "0000-0000", "ILLU-O1O1"])
    func textThatCannotBeACodeIsInvalid(code: String) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            _ = try await server.pairingCode(for: user)
            await expectProblem(400, "invalid_field", field: "code") { try await server.claim(code, serial: "SN-1") }
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
        }
    }

    @Test(
        arguments: [
            ("", "TAG-1", nil, "serial"),
            ("SN 1", "TAG-1", nil, "serial"),
            (String(repeating: "S", count: 65), "TAG-1", nil, "serial"),
            ("SN-1", "", nil, "model"),
            ("SN-1", "TAG\u{7}", nil, "model"),
            ("SN-1", "TAG-1", "", "name"),
        ] as [(String, String, String?, String)]
    )
    func badDeviceFieldsAreNamedAndLeaveTheCodeUsable(
        serial: String,
        model: String,
        name: String?,
        field: String
    ) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            await expectProblem(400, "invalid_field", field: field) {
                try await server.claim(code.code, serial: serial, model: model, name: name)
            }
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
            // The code was not used up by the bad claim.
            let grant = try await server.claim(code.code, serial: "SN-1")
            #expect(try await user.client.listDevices().ok.body.json == [grant.device])
        }
    }

    @Test
    func anUnknownKindIsNamed() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            let json = #"{"code": "\#(code.code)", "serial": "SN-1", "model": "TAG-1", "kind": "spaceship"}"#
            let response = try await server.raw("POST", "/v1/devices/claim", body: Data(json.utf8))
            #expect(response.status == 400)
            #expect(response.problem?.code == "invalid_field")
            #expect(response.problem?.field == "kind")
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
        }
    }

    @Test
    func aUsedCodeIsRefusedAndCreatesNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            let first = try await server.claim(code.code, serial: "SN-1")
            await expectProblem(409, "pairing_code_used", field: "code") {
                try await server.claim(code.code, serial: "SN-2")
            }
            #expect(try await user.client.listDevices().ok.body.json == [first.device])
            let status = try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
            #expect(status.device?.id == first.deviceId)
        }
    }

    @Test
    func anExpiredCodeIsGoneAndCreatesNothing() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            let code = try await server.pairingCode(for: user)
            clock.advance(by: .seconds(601))
            await expectProblem(410, "pairing_code_expired", field: "code") {
                try await server.claim(code.code, serial: "SN-1")
            }
            #expect(try await user.client.listDevices().ok.body.json.isEmpty)
            let status = try await user.client.getPairingCode(path: .init(pairingId: code.id)).ok.body.json
            #expect(status.state == .expired)
            #expect(status.device == nil)
        }
    }

    @Test
    func theCodeLifetimeIsConfigurable() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.pairingCodeLifetime = .seconds(60)
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let user = try await server.register()
            let late = try await server.pairingCode(for: user)
            #expect(late.expiresAt == testEpoch.addingTimeInterval(60))
            clock.advance(by: .seconds(59))
            let onTime = try await server.pairingCode(for: user)
            _ = try await server.claim(onTime.code, serial: "SN-1")
            clock.advance(by: .seconds(1))
            await expectProblem(410, "pairing_code_expired", field: "code") {
                try await server.claim(late.code, serial: "SN-2")
            }
        }
    }

    @Test
    func aSerialPairedToAnotherAccountIsRefusedAndCreatesNothing() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            let adaDevice = try await server.pairDevice(for: ada, serial: "SN-1")
            let graceCode = try await server.pairingCode(for: grace)

            await expectProblem(409, "serial_taken", field: "serial") {
                try await server.claim(graceCode.code, serial: "SN-1")
            }

            #expect(try await grace.client.listDevices().ok.body.json.isEmpty)
            #expect(
                try await grace.client.getPairingCode(path: .init(pairingId: graceCode.id)).ok.body.json.state
                    == .pending
            )
            #expect(try await ada.client.listDevices().ok.body.json == [adaDevice.device])
            let calling = try await server.client(token: adaDevice.credential).getCallingDevice().ok.body.json
            #expect(calling.id == adaDevice.deviceId)
        }
    }

    @Test
    func rePairingASerialKeepsTheDeviceAndRevokesTheOldCredential() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let first = try await server.pairDevice(for: user, serial: "SN-1")
            _ = try await user.client.updateDevice(
                path: .init(deviceId: first.deviceId),
                body: .json(.init(name: "Keys"))
            ).ok
            let second = try await server.pairDevice(for: user, serial: "SN-1")

            #expect(second.deviceId == first.deviceId)
            #expect(second.credential != first.credential)
            #expect(second.device.name == "Keys")
            #expect(try await user.client.listDevices().ok.body.json.map(\.id) == [first.deviceId])
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: first.credential).getCallingDevice()
            }
            #expect(
                try await server.client(token: second.credential).getCallingDevice().ok.body.json.id == first.deviceId
            )
        }
    }

    @Test
    func codesPerHourAreLimited() async throws {
        let clock = ManualClock(start: testEpoch)
        var config = ServerConfig.testing(clock: clock)
        config.pairingRateLimitPerHour = 2
        config.accessTokenLifetime = .seconds(86_400)
        try await TestServer.withRunning(config: config, connection: .inProcess) { server in
            let user = try await server.register("ada@example.org")
            let other = try await server.register("grace@example.org")
            _ = try await server.pairingCode(for: user)
            clock.advance(by: .seconds(600))
            _ = try await server.pairingCode(for: user)
            clock.advance(by: .seconds(60))

            let problem = await expectProblem(429, "rate_limited") { try await server.pairingCode(for: user) }
            // The first code leaves the hour 3600 - 660 s from now.
            #expect(problem?.problem.retryAfterSeconds == 2_940)
            // Another account has its own allowance.
            _ = try await server.pairingCode(for: other)

            clock.advance(by: .seconds(2_939))
            await expectProblem(429, "rate_limited") { try await server.pairingCode(for: user) }
            clock.advance(by: .seconds(1))
            let code = try await server.pairingCode(for: user)
            #expect(!code.code.isEmpty)
        }
    }

    @Test
    func pairingCodesNeedAnAccountToken() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let device = try await server.pairDevice(for: user)
            await expectProblem(401, "unauthenticated") { try await server.client().createPairingCode() }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: device.credential).createPairingCode()
            }
        }
    }
}
