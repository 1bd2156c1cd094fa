import ArgumentParser
import Foundation
import TetherAPI

/// `tether device …`: the device side of pairing (used by the simulator and tests).
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Act as a device: claim a pairing code.",
        subcommands: [Claim.self]
    )

    /// `tether device claim CODE`: pairs this device and prints its credential (shown once).
    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim a pairing code as a device and print the device credential."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The pairing code, e.g. K7QW-3MZP.")
        var code: String

        @Option(help: "The device's serial number.")
        var serial: String

        @Option(help: "The device's model.")
        var model: String

        @Option(help: "tracker, earbuds, phone, power_bank, camera, watch, laptop or other.")
        var kind: String = "tracker"

        @Option(help: "A display name (default: the model).")
        var name: String?

        @Option(help: "Hardware version.")
        var hwVersion: String?

        @Option(help: "Software version.")
        var swVersion: String?

        func validate() throws {
            guard Components.Schemas.DeviceKind(rawValue: self.kind) != nil else {
                let kinds = Components.Schemas.DeviceKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--kind must be one of \(kinds)")
            }
        }

        func run() async throws {
            let connection = try ServerConnection.anonymous(self.global, profile: try Profile.load())
            let request = Components.Schemas.ClaimRequest(
                code: self.code,
                serial: self.serial,
                model: self.model,
                kind: Components.Schemas.DeviceKind(rawValue: self.kind),
                hwVersion: self.hwVersion,
                swVersion: self.swVersion,
                name: self.name
            )
            // A code claimed at another region is sent to the owner's home region, where the
            // device then posts its telemetry.
            let (grant, server) = try await connection.followingHomeRegion(carrying: "the pairing code") {
                try await $0.claimDevice(body: .json(request)).created.body.json
            }
            let output = ["device_id": grant.deviceId, "credential": grant.credential, "server": server.absoluteString]
            try Output(self.global).emit(output) {
                "Paired as device \(grant.deviceId) at \(server.absoluteString).\n"
                    + "Device credential (shown once): \(grant.credential)"
            }
        }
    }
}
