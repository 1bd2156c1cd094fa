import ArgumentParser
import Foundation
import TetherAPI
import TetherCore

/// `tether dnd …`: weekly quiet windows, the on/off switch and snoozing.
struct DoNotDisturbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dnd",
        abstract: "Do-not-disturb: weekly windows, on and off, and snoozing anti-lost alerts.",
        subcommands: [Add.self, List.self, Remove.self, Snooze.self, Unsnooze.self, Off.self, On.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a weekly do-not-disturb window.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        @Option(help: "The days it starts on: mon-fri, sat,sun or daily.")
        var days: String

        @Option(help: "Local start time, HH:MM.")
        var from: String

        @Option(help: "Local end time, HH:MM; at or before --from, it ends the next day.")
        var to: String

        @Option(help: "An IANA time zone like Europe/Berlin (default: this computer's).")
        var tz: String?

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let request = Components.Schemas.QuietWindowRequest(
                days: self.days,
                from: self.from,
                to: self.to,
                tz: self.tz ?? TimeZone.current.identifier,
                deviceId: self.scope.device
            )
            let window = try await connection.call {
                try await $0.createQuietWindow(body: .json(request)).created.body.json
            }
            let output = QuietWindowOutput(window: window)
            try Output(self.global).emit(output) { "Added:\n" + output.text }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show do-not-disturb: on or off, the snooze, and the windows (with --device: its own)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let settings = try await connection.call {
                try await $0.getDoNotDisturb(query: .init(deviceId: self.scope.device)).ok.body.json
            }
            let output = DoNotDisturbOutput(settings: settings)
            try Output(self.global).emit(output) { output.text }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a do-not-disturb window.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The window id.")
        var id: String

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let window = try await connection.call {
                try await $0.removeQuietWindow(path: .init(windowId: self.id)).ok.body.json
            }
            let output = QuietWindowOutput(window: window)
            try Output(self.global).emit(output) { "Removed:\n" + output.text }
        }
    }

    struct Off: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn do-not-disturb off: windows and snooze silence nothing until it is on again."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            try await DoNotDisturbCommand.update(self.global, .init(deviceId: self.scope.device, enabled: false))
        }
    }

    struct On: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn do-not-disturb back on.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            try await DoNotDisturbCommand.update(self.global, .init(deviceId: self.scope.device, enabled: true))
        }
    }
}

extension DoNotDisturbCommand {
    /// Sends a change and prints the settings after it.
    ///
    /// Turning it on or off while the server cannot be reached is queued; a snooze is not (it
    /// means "from now", which only the server's clock can say when it arrives late).
    static func update(_ global: GlobalOptions, _ update: Components.Schemas.DoNotDisturbUpdate) async throws {
        let (connection, session) = try ServerConnection.signedIn(global)
        let settings = try await connection.editOrQueue(account: await session.profile.accountId) {
            try await $0.setDoNotDisturb(body: .json(update)).ok.body.json
        } queue: { replica, now in
            guard let enabled = update.enabled, update.snoozeForS == nil, update.snoozeUntil == nil,
                update.clearSnooze == nil
            else {
                throw CLIError("the server cannot be reached; only 'dnd on' and 'dnd off' are queued offline")
            }
            let key = SettingKey(.dnd, record: update.deviceId ?? SettingKey.accountRecord, field: "enabled")
            replica.edit(key, to: .bool(enabled), nowMillis: now)
        }
        guard let settings else { return try Output(global).emitQueued() }
        let output = DoNotDisturbOutput(settings: settings)
        try Output(global).emit(output) { output.text }
    }
}
