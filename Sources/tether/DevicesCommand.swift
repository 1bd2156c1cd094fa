import ArgumentParser
import TetherAPI

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
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let device = try await connection.call {
                try await $0.getDevice(path: .init(deviceId: self.id)).ok.body.json
            }
            let output = DeviceOutput(device: device)
            try Output(self.global).emit(output) { output.text }
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
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let device = try await connection.call {
                try await $0.updateDevice(path: .init(deviceId: self.id), body: .json(.init(name: self.name))).ok.body
                    .json
            }
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
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let device = try await connection.call {
                try await $0.removeDevice(path: .init(deviceId: self.id)).ok.body.json
            }
            let output = DeviceOutput(device: device)
            try Output(self.global).emit(output) { "Removed:\n" + output.text }
        }
    }
}
