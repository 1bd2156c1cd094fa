import TetherAPI

/// `{"device_id", "allowed_distance_m", "dwell_s", "low_battery_pct", "silent_after_s",
/// "repeat_interval_s", "phone_id"}`: one scope's rule values, `null` where not set.
struct RuleSettingsOutput: Encodable {
    let rules: Components.Schemas.RuleSettings

    enum CodingKeys: String, CodingKey {
        case deviceId = "device_id"
        case allowedDistanceM = "allowed_distance_m"
        case dwellS = "dwell_s"
        case lowBatteryPct = "low_battery_pct"
        case silentAfterS = "silent_after_s"
        case repeatIntervalS = "repeat_interval_s"
        case phoneId = "phone_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.rules.deviceId, forKey: .deviceId)
        try container.encode(self.rules.allowedDistanceM, forKey: .allowedDistanceM)
        try container.encode(self.rules.dwellS, forKey: .dwellS)
        try container.encode(self.rules.lowBatteryPct, forKey: .lowBatteryPct)
        try container.encode(self.rules.silentAfterS, forKey: .silentAfterS)
        try container.encode(self.rules.repeatIntervalS, forKey: .repeatIntervalS)
        try container.encode(self.rules.phoneId, forKey: .phoneId)
    }

    static let tableHeader = ["SCOPE", "DISTANCE", "DWELL", "LOW BATTERY", "SILENT AFTER", "REPEAT", "PHONE"]

    /// A table row; `-` where a value is not set.
    func tableRow(scope: String) -> [String] {
        [
            scope,
            OptionValue.distanceText(self.rules.allowedDistanceM),
            OptionValue.durationText(self.rules.dwellS),
            self.rules.lowBatteryPct.map { "\($0)%" } ?? "-",
            OptionValue.durationText(self.rules.silentAfterS),
            OptionValue.durationText(self.rules.repeatIntervalS, zeroMeans: "off"),
            self.rules.phoneId ?? "-",
        ]
    }

    /// The values as a one-row table under a heading.
    func text(heading: String) -> String {
        let scope = self.rules.deviceId.map { "device \($0)" } ?? "account"
        return heading + "\n" + Output.table(header: Self.tableHeader, rows: [self.tableRow(scope: scope)])
    }
}

/// `{"account", "devices", "effective"}`: the account's values, each device's own overrides,
/// and what applies to each device (every value filled in).
struct AlertRulesOutput: Encodable {
    let account: RuleSettingsOutput
    let devices: [RuleSettingsOutput]
    let effective: [RuleSettingsOutput]

    /// The overview, or only what concerns `device` when one is given.
    init(_ overview: Components.Schemas.AlertRulesOverview, device: String?) {
        let matches = { (rules: Components.Schemas.RuleSettings) in device == nil || rules.deviceId == device }
        self.account = RuleSettingsOutput(rules: overview.account)
        self.devices = overview.devices.filter(matches).map(RuleSettingsOutput.init)
        self.effective = (overview.effective ?? []).filter(matches).map(RuleSettingsOutput.init)
    }

    var text: String {
        var rows = [self.account.tableRow(scope: "account")]
        for rules in self.devices {
            rows.append(rules.tableRow(scope: "\(rules.rules.deviceId ?? "?") (own)"))
        }
        for rules in self.effective {
            rows.append(rules.tableRow(scope: "\(rules.rules.deviceId ?? "?") (effective)"))
        }
        let note =
            self.account.rules.phoneId == nil
            ? "\nPHONE '-' on the account: the account's phone with the freshest fix." : ""
        return Output.table(header: RuleSettingsOutput.tableHeader, rows: rows) + note
    }
}
