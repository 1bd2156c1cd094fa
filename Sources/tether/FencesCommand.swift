import ArgumentParser
import Foundation
import TetherAPI
import TetherCore

/// `tether fences …`: keep-in and keep-out fences and safe places.
struct FencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fences",
        abstract: "Add, list and remove fences: keep-in, keep-out, and safe places.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a fence: a circle, or a polygon from a GeoJSON file.",
            subcommands: [Circle.self, Polygon.self]
        )
    }

    struct Circle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a circular fence.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var role: FenceRoleOptions
        @OptionGroup var scope: DeviceScope

        @Option(help: "The fence's name, e.g. Home.")
        var name: String

        // `.unconditional` so that negative values (`--lon -74.0`) are read as values, not options.
        @Option(parsing: .unconditional, help: "The centre's latitude in degrees.")
        var lat: Double

        @Option(parsing: .unconditional, help: "The centre's longitude in degrees.")
        var lon: Double

        @Option(parsing: .unconditional, help: "The radius: 100m, 1.5km, or metres.")
        var radius: String

        func validate() throws {
            _ = try OptionValue.metres(self.radius, option: "--radius")
        }

        func run() async throws {
            let circle = Components.Schemas.CircleFence(
                lat: self.lat,
                lon: self.lon,
                radiusM: try OptionValue.metres(self.radius, option: "--radius")
            )
            try await FencesCommand.create(
                self.global,
                .init(name: self.name, role: self.role.apiRole, deviceId: self.scope.device, circle: circle)
            )
        }
    }

    struct Polygon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a polygon fence from a GeoJSON Feature, Polygon or MultiPolygon file."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var role: FenceRoleOptions
        @OptionGroup var scope: DeviceScope

        @Option(help: "The fence's name, e.g. Park.")
        var name: String

        @Option(
            help: "A file holding a GeoJSON Feature, a Polygon or MultiPolygon, or a one-feature FeatureCollection."
        )
        var geojson: String

        func run() async throws {
            let shape = try GeoJSONFile.read(self.geojson)
            try await FencesCommand.create(
                self.global,
                .init(name: self.name, role: self.role.apiRole, deviceId: self.scope.device, geojson: shape)
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List fences (with --device: that device's and the account-wide ones)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let fences = try await connection.call {
                try await $0.listFences(query: .init(deviceId: self.scope.device)).ok.body.json
            }
            .map(FenceOutput.init)
            try Output(self.global).emit(fences) {
                fences.isEmpty
                    ? "No fences yet: add one with 'tether fences add circle'."
                    : Output.table(header: FenceOutput.tableHeader, rows: fences.map(\.tableRow))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a fence; an episode it had open ends.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The fence id.")
        var id: String

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            let fence = try await connection.editOrQueue(account: await session.profile.accountId) {
                try await $0.removeFence(path: .init(fenceId: self.id)).ok.body.json
            } queue: { replica, now in
                replica.delete(.fence, self.id, nowMillis: now)
            }
            guard let fence else { return try Output(self.global).emitQueued() }
            let output = FenceOutput(fence: fence)
            try Output(self.global).emit(output) { "Removed:\n" + output.text }
        }
    }
}

extension FencesCommand {
    /// Creates the fence and prints it.
    ///
    /// A circle made while the server cannot be reached is queued with a new fence id.
    static func create(_ global: GlobalOptions, _ request: Components.Schemas.FenceRequest) async throws {
        let (connection, session) = try ServerConnection.signedIn(global)
        let fence = try await connection.editOrQueue(account: await session.profile.accountId) {
            try await $0.createFence(body: .json(request)).created.body.json
        } queue: { replica, now in
            guard let circle = request.circle else {
                throw CLIError(
                    "the server cannot be reached; only circles are queued offline, polygons need the server"
                )
            }
            let id = "fen_" + UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(12)
            let feature =
                #"{"type":"Feature","geometry":{"type":"Point","coordinates":[\#(circle.lon),\#(circle.lat)]},"#
                + #""properties":{"radius_m":\#(circle.radiusM)}}"#
            let fields: [(String, TetherCore.SettingValue)] = [
                ("name", .string(request.name.trimmingCharacters(in: .whitespaces))),
                ("role", .string(request.role.rawValue)),
                ("device_id", request.deviceId.map { .string($0) } ?? .null),
                ("geojson", .string(feature)),
                ("created_at", .integer(now)),
            ]
            for (field, value) in fields {
                replica.edit(SettingKey(.fence, record: id, field: field), to: value, nowMillis: now)
            }
        }
        guard let fence else { return try Output(global).emitQueued() }
        let output = FenceOutput(fence: fence)
        try Output(global).emit(output) { "Added:\n" + output.text }
    }
}
