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

/// `{"id", "serial", "model", "kind", "name", "last_seen", "paired_at", "hw_version", "sw_version"}`.
struct DeviceOutput: Encodable {
    let device: Components.Schemas.Device

    enum CodingKeys: String, CodingKey {
        case id, serial, model, kind, name
        case lastSeen = "last_seen"
        case pairedAt = "paired_at"
        case hwVersion = "hw_version"
        case swVersion = "sw_version"
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
    }

    static let tableHeader = ["ID", "NAME", "KIND", "MODEL", "SERIAL", "LAST SEEN"]

    var tableRow: [String] {
        [
            self.device.id, self.device.name, self.device.kind.rawValue, self.device.model, self.device.serial,
            Output.time(self.device.lastSeen),
        ]
    }

    var text: String {
        Output.table(header: Self.tableHeader, rows: [self.tableRow])
    }
}
