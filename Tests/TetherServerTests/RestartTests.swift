import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherTesting

struct RestartTests {
    @Test
    func dataSurvivesARestartOnTheSameDirectory() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }

        let (user, device) = try await TestServer.withRunning(dataDirectory: directory, connection: .inProcess) {
            server in
            let user = try await server.register("ada@example.org")
            let device = try await server.pairDevice(for: user, serial: "SN-1")
            _ = try await user.client.updateDevice(
                path: .init(deviceId: device.deviceId),
                body: .json(.init(name: "Keys"))
            ).ok
            return (user.grant, device)
        }

        try await TestServer.withRunning(dataDirectory: directory, connection: .inProcess) { server in
            let grant = try await server.signIn("ada@example.org")
            #expect(grant.account == user.account)
            let devices = try await server.client(token: grant.accessToken).listDevices().ok.body.json
            #expect(devices.map(\.id) == [device.deviceId])
            #expect(devices.first?.name == "Keys")
            // Tokens issued before the restart still work.
            #expect(
                try await server.client(token: user.accessToken).getAccount().ok.body.json.accountId
                    == user.account.accountId
            )
            #expect(
                try await server.client(token: device.credential).getCallingDevice().ok.body.json.id == device.deviceId
            )
            let refreshed = try await server.client().refreshSession(
                body: .json(.init(refreshToken: user.refreshToken))
            ).ok
            #expect(try refreshed.body.json.account.accountId == user.account.accountId)
            // The email is still taken.
            await expectProblem(409, "email_taken", field: "email") { try await server.register("ada@example.org") }
        }
        #expect(FileManager.default.fileExists(atPath: directory.path))
    }
}
