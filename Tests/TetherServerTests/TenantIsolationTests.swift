import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

/// One account never sees or changes another's data: every account-scoped route answers
/// another account's ids exactly as it answers ids that do not exist.
struct TenantIsolationTests {
    /// Ada with one device and one pending code; Grace with her own device.
    private struct World {
        let ada: SignedInUser
        let grace: SignedInUser
        let adaDevice: Components.Schemas.ClaimGrant
        let adaCode: Components.Schemas.PairingCode
        let graceDevice: Components.Schemas.ClaimGrant
    }

    // Bodies say `throws in`: a closure whose only `try`s sit inside `#expect` is otherwise
    // inferred as non-throwing.
    private func withWorld(_ body: (TestServer, World) async throws -> Void) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            let world = World(
                ada: ada,
                grace: grace,
                adaDevice: try await server.pairDevice(for: ada, serial: "ADA-1"),
                adaCode: try await server.pairingCode(for: ada),
                graceDevice: try await server.pairDevice(for: grace, serial: "GRACE-1")
            )
            try await body(server, world)
        }
    }

    @Test
    func listingShowsOnlyOwnDevices() async throws {
        try await self.withWorld { _, world throws in
            #expect(try await world.ada.client.listDevices().ok.body.json.map(\.id) == [world.adaDevice.deviceId])
            #expect(try await world.grace.client.listDevices().ok.body.json.map(\.id) == [world.graceDevice.deviceId])
        }
    }

    @Test
    func anotherAccountsDeviceIsNotFound() async throws {
        try await self.withWorld { _, world throws in
            let path = Operations.GetDevice.Input.Path(deviceId: world.adaDevice.deviceId)
            await expectProblem(404, "not_found", field: "deviceId") {
                try await world.grace.client.getDevice(path: path)
            }
        }
    }

    @Test
    func anotherAccountsDeviceCannotBeRenamed() async throws {
        try await self.withWorld { _, world throws in
            let id = world.adaDevice.deviceId
            await expectProblem(404, "not_found", field: "deviceId") {
                try await world.grace.client.updateDevice(
                    path: .init(deviceId: id),
                    body: .json(.init(name: "Mine now"))
                )
            }
            #expect(try await world.ada.client.getDevice(path: .init(deviceId: id)).ok.body.json.name == "TAG-1")
        }
    }

    @Test
    func anotherAccountsDeviceCannotBeRemoved() async throws {
        try await self.withWorld { server, world throws in
            let id = world.adaDevice.deviceId
            await expectProblem(404, "not_found", field: "deviceId") {
                try await world.grace.client.removeDevice(path: .init(deviceId: id))
            }
            #expect(try await world.ada.client.listDevices().ok.body.json.map(\.id) == [id])
            #expect(try await server.client(token: world.adaDevice.credential).getCallingDevice().ok.body.json.id == id)
        }
    }

    @Test
    func anotherAccountsPairingCodeIsNotFound() async throws {
        try await self.withWorld { _, world throws in
            let path = Operations.GetPairingCode.Input.Path(pairingId: world.adaCode.id)
            await expectProblem(404, "not_found", field: "pairingId") {
                try await world.grace.client.getPairingCode(path: path)
            }
            #expect(try await world.ada.client.getPairingCode(path: path).ok.body.json.state == .pending)
        }
    }

    @Test
    func aClaimedCodeShowsItsDeviceOnlyToItsOwner() async throws {
        try await self.withWorld { server, world throws in
            let grant = try await server.claim(world.adaCode.code, serial: "ADA-2")
            #expect(grant.device.serial == "ADA-2")
            #expect(try await world.ada.client.listDevices().ok.body.json.count == 2)
            #expect(try await world.grace.client.listDevices().ok.body.json.map(\.serial) == ["GRACE-1"])
            await expectProblem(404, "not_found", field: "pairingId") {
                try await world.grace.client.getPairingCode(path: .init(pairingId: world.adaCode.id))
            }
        }
    }

    @Test
    func exportsHoldOnlyOwnRecords() async throws {
        try await self.withWorld { _, world throws in
            let export = try await world.grace.client.exportAccount().ok.body.json
            #expect(export.account.accountId == world.grace.accountID)
            #expect(export.devices.map(\.id) == [world.graceDevice.deviceId])
            #expect(export.sessions.count == 1)
            #expect(export.pairingCodes.allSatisfy { $0.id != world.adaCode.id })
            #expect(export.pairingCodes.count == 1)
        }
    }

    @Test
    func tokensOnlyWorkForTheirRole() async throws {
        try await self.withWorld { server, world throws in
            let device = server.client(token: world.adaDevice.credential)
            await expectProblem(401, "unauthenticated") { try await device.listDevices() }
            await expectProblem(401, "unauthenticated") { try await device.getAccount() }
            await expectProblem(401, "unauthenticated") { try await device.exportAccount() }
            await expectProblem(401, "unauthenticated") { try await device.deleteAccount() }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: world.ada.refreshToken).getAccount()
            }
            #expect(try await world.ada.client.getAccount().ok.body.json.accountId == world.ada.accountID)
        }
    }

    @Test
    func deletingOneAccountLeavesTheOtherIntact() async throws {
        try await self.withWorld { server, world throws in
            _ = try await world.ada.client.deleteAccount().ok
            #expect(try await world.grace.client.listDevices().ok.body.json.map(\.id) == [world.graceDevice.deviceId])
            let calling = try await server.client(token: world.graceDevice.credential).getCallingDevice().ok.body.json
            #expect(calling.id == world.graceDevice.deviceId)
            #expect(try await world.grace.client.getAccount().ok.body.json.email == "grace@example.org")
        }
    }
}
