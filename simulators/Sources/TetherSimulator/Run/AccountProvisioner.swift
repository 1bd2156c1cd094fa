import Foundation
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherClient

/// A device paired through the real flow, with the credential it posts telemetry with.
struct ProvisionedDevice: Sendable {
    var name: String
    var id: String
    var credential: String
    var kind: Components.Schemas.DeviceKind
}

/// An owner registered on the server, with a client signed in as them and their paired devices.
struct ProvisionedOwner: Sendable {
    var spec: ScenarioOwner
    var email: String
    var accountID: String
    /// Signed in with the owner's access token; sends through AsyncHTTPClient, so it also
    /// follows the alert stream.
    var client: Client
    var devices: [String: ProvisionedDevice]
}

/// Registers owners and pairs their devices the way people do: the owner asks for a code, the
/// device claims it.
struct AccountProvisioner: Sendable {
    let serverURL: URL
    let identity: RunIdentity

    /// Registers `owner` (a unique email for this run) and pairs each of its devices.
    func provision(_ owner: ScenarioOwner) async throws -> ProvisionedOwner {
        let step = APIStep(serverURL: self.serverURL)
        let anonymous = TetherClientFactory.client(serverURL: self.serverURL, transport: AsyncHTTPClientTransport())
        let email = self.identity.email(owner.email)
        let grant = try await step("registering \(email)") {
            try await anonymous.registerAccount(
                body: .json(.init(email: email, password: self.identity.password()))
            )
            .created.body.json
        }
        let client = TetherClientFactory.client(
            serverURL: self.serverURL,
            tokens: StaticToken(grant.accessToken),
            transport: AsyncHTTPClientTransport()
        )
        var devices: [String: ProvisionedDevice] = [:]
        for device in owner.devices {
            let code = try await step("asking for a pairing code for \(device.name)") {
                try await client.createPairingCode().created.body.json.code
            }
            let serial = self.identity.serial(device.serial)
            let claim = try await step("pairing \(device.name) (\(serial))") {
                try await anonymous.claimDevice(
                    body: .json(.init(code: code, serial: serial, model: device.model, kind: device.kind))
                )
                .created.body.json
            }
            devices[device.name] = ProvisionedDevice(
                name: device.name,
                id: claim.deviceId,
                credential: claim.credential,
                kind: device.kind
            )
        }
        return ProvisionedOwner(
            spec: owner,
            email: email,
            accountID: grant.account.accountId,
            client: client,
            devices: devices
        )
    }
}
