import ArgumentParser
import TetherAPI
import TetherCore

/// `tether rules …`: the anti-lost and care alert rules, account-wide or per device.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Set and show alert rules: allowed distance, dwell, low battery, silence, repeats.",
        subcommands: [SetValues.self, Show.self, Clear.self]
    )

    struct SetValues: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set rule values account-wide, or for one device with --device; others stay as they are."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        // `.unconditional` so that a negative value reaches the check that names the option.
        @Option(parsing: .unconditional, help: "How far a device may be from your phone: 30m, 1.5km, or metres.")
        var distance: String?

        @Option(parsing: .unconditional, help: "How long a device must be apart before an alert, like 60s.")
        var dwell: String?

        @Option(parsing: .unconditional, help: "Alert when the battery is at or below this percentage.")
        var lowBattery: Int?

        @Option(parsing: .unconditional, help: "Alert when a device has been silent this long, like 6h.")
        var silentAfter: String?

        @Option(parsing: .unconditional, help: "Re-alert a lost device this often until acknowledged, or 'off'.")
        var `repeat`: String?

        @Option(help: "The phone (a device of kind phone) distances are measured against.")
        var phone: String?

        func validate() throws {
            _ = try self.request()
        }

        /// The request body; a bad value throws a `ValidationError` naming its option.
        func request() throws -> Components.Schemas.RuleSettings {
            let rules = Components.Schemas.RuleSettings(
                deviceId: self.scope.device,
                allowedDistanceM: try self.distance.map { try OptionValue.metres($0, option: "--distance") },
                dwellS: try self.dwell.map { try OptionValue.seconds($0, option: "--dwell") },
                lowBatteryPct: self.lowBattery,
                silentAfterS: try self.silentAfter.map { try OptionValue.seconds($0, option: "--silent-after") },
                repeatIntervalS: try self.repeat.map {
                    $0.lowercased() == "off" ? 0 : try OptionValue.seconds($0, option: "--repeat")
                },
                phoneId: self.phone
            )
            guard rules != Components.Schemas.RuleSettings(deviceId: self.scope.device) else {
                throw ValidationError(
                    "give at least one of --distance, --dwell, --low-battery, --silent-after, --repeat, --phone"
                )
            }
            return rules
        }

        func run() async throws {
            let (connection, session) = try ServerConnection.signedIn(self.global)
            let request = try self.request()
            let rules = try await connection.editOrQueue(account: await session.profile.accountId) {
                try await $0.setAlertRules(body: .json(request)).ok.body.json
            } queue: { replica, now in
                let record = request.deviceId ?? SettingKey.accountRecord
                let values: [(String, TetherCore.SettingValue?)] = [
                    ("allowed_distance_m", request.allowedDistanceM.map { .number($0) }),
                    ("dwell_s", request.dwellS.map { .integer(Int64($0)) }),
                    ("low_battery_pct", request.lowBatteryPct.map { .integer(Int64($0)) }),
                    ("silent_after_s", request.silentAfterS.map { .integer(Int64($0)) }),
                    ("repeat_interval_s", request.repeatIntervalS.map { .integer(Int64($0)) }),
                    ("phone_id", request.phoneId.map { $0.isEmpty ? .null : .string($0) }),
                ]
                for case (let field, let value?) in values {
                    replica.edit(SettingKey(.rules, record: record, field: field), to: value, nowMillis: now)
                }
            }
            guard let rules else { return try Output(self.global).emitQueued() }
            let output = RuleSettingsOutput(rules: rules)
            try Output(self.global).emit(output) { output.text(heading: "Rules now set:") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the account's rules, each device's overrides and what applies to each device."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var scope: DeviceScope

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let overview = try await connection.call { try await $0.listAlertRules().ok.body.json }
            let output = AlertRulesOutput(overview, device: self.scope.device)
            if let device = self.scope.device, output.effective.isEmpty {
                throw CLIError("no device \(device) in this account (not_found, field device)", status: 404)
            }
            try Output(self.global).emit(output) { output.text }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a device's overrides, so the account's rules apply to it."
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The device whose overrides to remove.")
        var device: String

        func run() async throws {
            let (connection, _) = try ServerConnection.signedIn(self.global)
            let rules = try await connection.call {
                try await $0.clearDeviceAlertRules(query: .init(deviceId: self.device)).ok.body.json
            }
            let output = RuleSettingsOutput(rules: rules)
            try Output(self.global).emit(output) {
                output.text(heading: "Cleared the overrides of \(self.device); the account's rules apply:")
            }
        }
    }
}
