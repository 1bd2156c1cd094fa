import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

struct DeviceRoutesTests {
    @Test
    func theDeviceCredentialAnswersForItsDeviceAndMarksItSeen() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            let paired = try await server.pairDevice(for: user, serial: "SN-1")
            #expect(
                try await user.client.getDevice(path: .init(deviceId: paired.deviceId)).ok.body.json.lastSeen == nil
            )

            clock.advance(by: .seconds(90))
            let device = server.client(token: paired.credential)
            let me = try await device.getCallingDevice().ok.body.json
            #expect(me.id == paired.deviceId)
            #expect(me.serial == "SN-1")
            #expect(me.lastSeen == testEpoch.addingTimeInterval(90))

            let seen = try await user.client.getDevice(path: .init(deviceId: paired.deviceId)).ok.body.json
            #expect(seen.lastSeen == testEpoch.addingTimeInterval(90))

            // Within 30 s of the last write, a request does not rewrite last_seen.
            clock.advance(by: .seconds(29))
            #expect(try await device.getCallingDevice().ok.body.json.lastSeen == testEpoch.addingTimeInterval(90))
            clock.advance(by: .seconds(1))
            #expect(try await device.getCallingDevice().ok.body.json.lastSeen == testEpoch.addingTimeInterval(120))
            let listed = try await user.client.listDevices().ok.body.json
            #expect(listed.first?.lastSeen == testEpoch.addingTimeInterval(120))
        }
    }

    @Test
    func theCallingDeviceNeedsADeviceCredential() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            _ = try await server.pairDevice(for: user)
            await expectProblem(401, "unauthenticated") { try await server.client().getCallingDevice() }
            await expectProblem(401, "unauthenticated") { try await user.client.getCallingDevice() }
            await expectProblem(401, "unauthenticated") {
                try await server.client(token: "tdc_forged").getCallingDevice()
            }
        }
    }

    @Test
    func devicesAreListedOldestPairingFirst() async throws {
        let clock = ManualClock(start: testEpoch)
        try await TestServer.withRunning(config: .testing(clock: clock), connection: .inProcess) { server in
            let user = try await server.register()
            var serials: [String] = []
            for serial in ["C-3", "A-1", "B-2"] {
                _ = try await server.pairDevice(for: user, serial: serial)
                serials.append(serial)
                clock.advance(by: .seconds(5))
            }
            #expect(try await user.client.listDevices().ok.body.json.map(\.serial) == serials)
        }
    }

    @Test
    func renamingChangesTheName() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let paired = try await server.pairDevice(for: user)
            let path = Operations.UpdateDevice.Input.Path(deviceId: paired.deviceId)

            let renamed = try await user.client.updateDevice(path: path, body: .json(.init(name: "  Ada's keys "))).ok
                .body.json
            #expect(renamed.name == "Ada's keys")
            #expect(renamed.id == paired.deviceId)
            #expect(renamed.serial == paired.device.serial)
            #expect(
                try await user.client.getDevice(path: .init(deviceId: paired.deviceId)).ok.body.json.name
                    == "Ada's keys"
            )
            // The device sees its new name too.
            #expect(
                try await server.client(token: paired.credential).getCallingDevice().ok.body.json.name == "Ada's keys"
            )
        }
    }

    @Test(arguments: ["", "   ", String(repeating: "n", count: 65), "tab\there"])
    func aBadNameIsRefusedAndChangesNothing(name: String) async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let paired = try await server.pairDevice(for: user)
            await expectProblem(400, "invalid_field", field: "name") {
                try await user.client.updateDevice(
                    path: .init(deviceId: paired.deviceId),
                    body: .json(.init(name: name))
                )
            }
            #expect(
                try await user.client.getDevice(path: .init(deviceId: paired.deviceId)).ok.body.json.name == "TAG-1"
            )
        }
    }

    @Test
    func unknownDeviceIdsAreNotFound() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let id = DeviceID.random().rawValue
            await expectProblem(404, "not_found", field: "deviceId") {
                try await user.client.getDevice(path: .init(deviceId: id))
            }
            await expectProblem(404, "not_found", field: "deviceId") {
                try await user.client.updateDevice(path: .init(deviceId: id), body: .json(.init(name: "x")))
            }
            await expectProblem(404, "not_found", field: "deviceId") {
                try await user.client.removeDevice(path: .init(deviceId: id))
            }
        }
    }

    @Test
    func removingADeviceRevokesItsCredentialAtOnce() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let removed = try await server.pairDevice(for: user, serial: "SN-1")
            let kept = try await server.pairDevice(for: user, serial: "SN-2")
            let device = server.client(token: removed.credential)
            _ = try await device.getCallingDevice().ok.body.json

            let answer = try await user.client.removeDevice(path: .init(deviceId: removed.deviceId)).ok.body.json
            #expect(answer.id == removed.deviceId)

            await expectProblem(401, "unauthenticated") { try await device.getCallingDevice() }
            await expectProblem(404, "not_found", field: "deviceId") {
                try await user.client.getDevice(path: .init(deviceId: removed.deviceId))
            }
            await expectProblem(404, "not_found", field: "deviceId") {
                try await user.client.removeDevice(path: .init(deviceId: removed.deviceId))
            }
            #expect(try await user.client.listDevices().ok.body.json.map(\.id) == [kept.deviceId])
            #expect(try await server.client(token: kept.credential).getCallingDevice().ok.body.json.id == kept.deviceId)
        }
    }

    @Test
    func aRemovedSerialCanBePairedByAnotherAccount() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let ada = try await server.register("ada@example.org")
            let grace = try await server.register("grace@example.org")
            let first = try await server.pairDevice(for: ada, serial: "SN-1")
            _ = try await ada.client.removeDevice(path: .init(deviceId: first.deviceId)).ok
            let second = try await server.pairDevice(for: grace, serial: "SN-1")
            #expect(second.deviceId != first.deviceId)
            #expect(try await grace.client.listDevices().ok.body.json.map(\.serial) == ["SN-1"])
            #expect(try await ada.client.listDevices().ok.body.json.isEmpty)
        }
    }
}
