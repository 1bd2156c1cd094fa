import Foundation
import TetherAPI

// The CLI's JSON shapes (../shared/CLI.md): listed keys are always present, `null` when empty.

/// `{"account_id", "email", "region", "created_at"}`.
struct AccountOutput: Encodable {
    let account: Components.Schemas.Account

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id"
        case email, region
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.account.accountId, forKey: .accountId)
        try container.encode(self.account.email, forKey: .email)
        try container.encode(self.account.region, forKey: .region)
        try container.encode(self.account.createdAt, forKey: .createdAt)
    }

    var text: String {
        "\(self.account.email) (account \(self.account.accountId), region \(self.account.region))"
    }
}

/// `{"id", "serial", "model", "kind", "name", "last_seen", "paired_at", "hw_version", "sw_version",
/// "telemetry"}`; `telemetry` (what the device last reported) is `null` in lists.
struct DeviceOutput: Encodable {
    let device: Components.Schemas.Device

    enum CodingKeys: String, CodingKey {
        case id, serial, model, kind, name
        case lastSeen = "last_seen"
        case pairedAt = "paired_at"
        case hwVersion = "hw_version"
        case swVersion = "sw_version"
        case telemetry
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.device.id, forKey: .id)
        try container.encode(self.device.serial, forKey: .serial)
        try container.encode(self.device.model, forKey: .model)
        try container.encode(self.device.kind.rawValue, forKey: .kind)
        try container.encode(self.device.name, forKey: .name)
        try container.encode(self.device.lastSeen, forKey: .lastSeen)
        try container.encode(self.device.pairedAt, forKey: .pairedAt)
        try container.encode(self.device.hwVersion, forKey: .hwVersion)
        try container.encode(self.device.swVersion, forKey: .swVersion)
        try container.encode(self.device.telemetry, forKey: .telemetry)
    }

    static let tableHeader = ["ID", "NAME", "KIND", "MODEL", "SERIAL", "LAST SEEN"]

    var tableRow: [String] {
        [
            self.device.id, self.device.name, self.device.kind.rawValue, self.device.model, self.device.serial,
            Output.time(self.device.lastSeen),
        ]
    }

    var text: String {
        let table = Output.table(header: Self.tableHeader, rows: [self.tableRow])
        guard let telemetry = self.device.telemetry else { return table }
        var lines = [table, ""]
        if let location = telemetry.location {
            lines.append(
                "Last location: \(location.lat), \(location.lon) ±\(TelemetrySummary.metres(location.accuracyM)) "
                    + "from \(location.source.rawValue) at \(Output.time(location.ts))"
            )
        }
        if let properties = telemetry.properties {
            let fields = Components.Schemas.TelemetryFields(
                model: properties.model,
                hwVersion: properties.hwVersion,
                swVersion: properties.swVersion,
                signalDbm: properties.signalDbm,
                batteryPct: properties.batteryPct,
                ip: properties.ip
            )
            lines.append("Properties: \(TelemetrySummary.text(fields)) (at \(Output.time(properties.updatedAt)))")
        }
        if let connection = telemetry.connection {
            lines.append("Phone link: \(connection.state.rawValue) since \(Output.time(connection.since))")
        }
        lines.append("Last event: \(Output.time(telemetry.lastEventAt))")
        return lines.joined(separator: "\n")
    }
}
