import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func listDevices(_ input: Operations.ListDevices.Input) async throws -> Operations.ListDevices.Output {
        let session = try await self.authenticator.session()
        let devices = try await self.store.devices(account: session.account)
        return .ok(.init(body: .json(devices.map(Components.Schemas.Device.init))))
    }

    func getDevice(_ input: Operations.GetDevice.Input) async throws -> Operations.GetDevice.Output {
        let session = try await self.authenticator.session()
        guard
            let device = try await self.store.device(
                id: DeviceID(rawValue: input.path.deviceId),
                account: session.account
            )
        else {
            throw TetherError.notFound("device", field: "deviceId")
        }
        var body = Components.Schemas.Device(device)
        body.telemetry = try await self.deviceTelemetry(device.id, account: session.account)
        return .ok(.init(body: .json(body)))
    }

    func updateDevice(_ input: Operations.UpdateDevice.Input) async throws -> Operations.UpdateDevice.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let name = try DeviceField.label(body.name, field: "name")
        let id = DeviceID(rawValue: input.path.deviceId)
        guard let device = try await self.store.renameDevice(id: id, account: session.account, name: name) else {
            throw TetherError.notFound("device", field: "deviceId")
        }
        return .ok(.init(body: .json(.init(device))))
    }

    func removeDevice(_ input: Operations.RemoveDevice.Input) async throws -> Operations.RemoveDevice.Output {
        let session = try await self.authenticator.session()
        let id = DeviceID(rawValue: input.path.deviceId)
        guard let device = try await self.store.removeDevice(id: id, account: session.account) else {
            throw TetherError.notFound("device", field: "deviceId")
        }
        await self.alerts.forget(device: device.id)
        self.logger.info("device removed", metadata: ["tether.device.id": "\(device.id)"])
        return .ok(.init(body: .json(.init(device))))
    }

    func getCallingDevice(_ input: Operations.GetCallingDevice.Input) async throws -> Operations.GetCallingDevice.Output
    {
        let device = try await self.authenticator.device()
        return .ok(.init(body: .json(.init(device))))
    }
}
