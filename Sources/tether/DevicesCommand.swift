import ArgumentParser
import Foundation
import TetherAPI
import TetherCore

/// `tether devices …`: the owner's view of their devices.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List, show, rename and remove your devices.",
        subcommands: [List.self, Show.self, Rename.self, Remove.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your devices.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let devices = try await connection.call { try await $0.listDevices().ok.body.json }.map(DeviceOutput.init)
            try Output(self.global).emit(devices) {
                devices.isEmpty
                    ? "No devices yet: pair one with 'tether pair start'."
                    : Output.table(header: DeviceOutput.tableHeader, rows: devices.map(\.tableRow))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one device.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The device id.")
        var id: String

        func run() async throws {
            try await DevicesCommand.printDevice(self.global, heading: nil) {
                try await $0.getDevice(path: .init(deviceId: self.id)).ok.body.json
            }
        }
    }

    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a device.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The device id.")
        var id: String

        @Argument(help: "The new name.")
        var name: String

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            let device = try await connection.editOrQueue(account: await session.profile.accountId) {
                try await $0.updateDevice(path: .init(deviceId: self.id), body: .json(.init(name: self.name))).ok.body
                    .json
            } queue: { replica, now in
                let name = self.name.trimmingCharacters(in: .whitespaces)
                replica.edit(SettingKey(.device, record: self.id, field: "name"), to: .string(name), nowMillis: now)
            }
            guard let device else { return try Output(self.global).emitQueued() }
            let output = DeviceOutput(device: device)
            try Output(self.global).emit(output) { "Renamed:\n" + output.text }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a device; its credential stops working at once."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The device id.")
        var id: String

        func run() async throws {
            try await DevicesCommand.printDevice(self.global, heading: "Removed:") {
                try await $0.removeDevice(path: .init(deviceId: self.id)).ok.body.json
            }
        }
    }
}

extension DevicesCommand {
    /// Runs a request that answers one device, signed in, and prints it (after `heading` as text).
    static func printDevice(
        _ global: GlobalOptions,
        heading: String?,
        request: (Client) async throws -> Components.Schemas.Device
    ) async throws {
        let (connection, _) = try ServerConnection.signedIn(global)
        let output = DeviceOutput(device: try await connection.call(request))
        try Output(global).emit(output) { [heading, output.text].compactMap { $0 }.joined(separator: "\n") }
    }
}
