public import Foundation
public import TetherCore
import TetherServer
public import TetherStore

/// Devices paired straight through a store's pairing transaction (no HTTP), for benchmarks and
/// store-level fixtures.
///
/// ```swift
/// let fleet = try await StoreFleet.pair(serials: ["SN-1", "SN-2"], in: store)
/// ```
public struct StoreFleet: Sendable {
    /// The owning account.
    public var account: AccountID
    /// The devices, in the order of the serials.
    public var devices: [Device]
    /// Each device's credential (`tdc_…`), in the same order.
    public var credentials: [String]

    /// Creates an account and pairs one device per serial to it.
    public static func pair(
        serials: [String],
        in store: any AccountStore & DeviceStore,
        model: String = "TAG-1",
        now: Date = Date()
    ) async throws -> StoreFleet {
        let account = Account(
            id: .random(),
            email: try EmailAddress("fleet-\(UUID().uuidString.prefix(8))@example.org"),
            homeRegion: RegionID(rawValue: "local")!,
            createdAt: now
        )
        try await store.createAccount(account, passwordHash: "unused", signup: SignupHint())
        var fleet = StoreFleet(account: account.id, devices: [], credentials: [])
        for serial in serials {
            let code = PairingCode.random()
            try await store.createPairingRequest(
                PairingRequest(
                    id: .random(),
                    account: account.id,
                    codeHash: SecretToken.digest(of: code.normalised),
                    createdAt: now,
                    expiresAt: now.addingTimeInterval(600)
                )
            )
            let credential = SecretToken.generate(.deviceCredential)
            let device = try await store.claimPairingCode(
                codeHash: SecretToken.digest(of: code.normalised),
                claim: try DeviceClaim(serial: serial, model: model, kind: .tracker),
                credentialHash: credential.digest,
                now: now
            )
            fleet.devices.append(device)
            fleet.credentials.append(credential.text)
        }
        return fleet
    }
}
