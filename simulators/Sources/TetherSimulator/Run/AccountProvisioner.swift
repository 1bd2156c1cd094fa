import Foundation
import OpenAPIAsyncHTTPClient
import TetherAPI
import TetherClient
import TetherCore
import TetherGeo

/// A device paired through the real flow, with the credential it posts telemetry with.
struct ProvisionedDevice: Sendable {
    var name: String
    var id: String
    var credential: String
    var kind: Components.Schemas.DeviceKind
    /// Its owner's home server, where its telemetry goes.
    var serverURL: URL
}

/// An owner registered on the server, with a client signed in as them and their paired devices.
struct ProvisionedOwner: Sendable {
    var spec: ScenarioOwner
    var email: String
    var accountID: String
    /// The account's home region, as the server that created it says (`account.region`).
    var region: String
    /// The home server: the one the owner contacted first, or the `home_url` it was sent to.
    var serverURL: URL
    /// The `421 wrong_region` the first server answered, when it sent the owner home.
    var redirect: APIProblem?
    /// Signed in with the owner's access token; sends through AsyncHTTPClient, so it also
    /// follows the alert stream.
    var client: Client
    /// The owner's access token, for clients of other servers (the new home after a move).
    var accessToken: String
    var devices: [String: ProvisionedDevice]
}

/// Registers owners and pairs their devices the way people do: the owner asks for a code, the
/// device claims it.
struct AccountProvisioner: Sendable {
    /// The server the owner contacts first; a `421 wrong_region` from it is followed once to
    /// its `home_url`, as the `tether` CLI does.
    let serverURL: URL
    let identity: RunIdentity

    /// Registers `owner` (a unique email for this run, from its location when it gives one) and
    /// pairs each of its devices at its home server.
    func provision(_ owner: ScenarioOwner) async throws -> ProvisionedOwner {
        let email = self.identity.email(owner.email)
        let request = Components.Schemas.RegisterRequest(
            email: email,
            password: self.identity.password(),
            latitude: owner.location?.latitude,
            longitude: owner.location?.longitude
        )
        let (grant, home, redirect) = try await self.register(request)
        let step = APIStep(serverURL: home)
        let anonymous = TetherClientFactory.client(serverURL: home, transport: AsyncHTTPClientTransport())
        let client = TetherClientFactory.client(
            serverURL: home,
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
                kind: device.kind,
                serverURL: home
            )
        }
        return ProvisionedOwner(
            spec: owner,
            email: email,
            accountID: grant.account.accountId,
            region: grant.account.region,
            serverURL: home,
            redirect: redirect,
            client: client,
            accessToken: grant.accessToken,
            devices: devices
        )
    }

    /// Registers at ``serverURL``, or at the home server its `421 wrong_region` names.
    private func register(
        _ request: Components.Schemas.RegisterRequest
    ) async throws -> (Components.Schemas.SessionGrant, URL, APIProblem?) {
        let first = TetherClientFactory.client(serverURL: self.serverURL, transport: AsyncHTTPClientTransport())
        do {
            return (try await first.registerAccount(body: .json(request)).created.body.json, self.serverURL, nil)
        } catch {
            let what = "registering \(request.email) at \(self.serverURL.absoluteString)"
            guard let problem = TetherClientFailure.problem(error), problem.code == "wrong_region" else {
                throw SimulationError("\(what): \(TetherClientFailure.describe(error, serverURL: self.serverURL))")
            }
            guard let home = problem.problem.homeURL.flatMap(URL.init(string:)),
                ["http", "https"].contains(home.scheme ?? ""), home.host != nil, home != self.serverURL
            else {
                throw SimulationError("\(what): 421 wrong_region without a usable home_url: \(problem)")
            }
            let anonymous = TetherClientFactory.client(serverURL: home, transport: AsyncHTTPClientTransport())
            let grant = try await APIStep(serverURL: home)("registering \(request.email) at its home \(home)") {
                try await anonymous.registerAccount(body: .json(request)).created.body.json
            }
            return (grant, home, problem)
        }
    }
}
