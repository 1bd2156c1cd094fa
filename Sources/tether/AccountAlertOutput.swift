import TetherAPI

/// `{"name", "phone"}`, `null` values when no contact is set.
struct ContactOutput: Encodable {
    let contact: Components.Schemas.EmergencyContact?

    enum CodingKeys: String, CodingKey {
        case name, phone
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.contact?.name, forKey: .name)
        try container.encode(self.contact?.phone, forKey: .phone)
    }

    var text: String {
        guard let contact else { return "none" }
        return "\(contact.name), \(contact.phone)"
    }
}

/// `{"url", "secret", "created_at"}`; `secret` only when it was just made, `null` values when
/// no webhook is set.
struct WebhookOutput: Encodable {
    let webhook: Components.Schemas.Webhook?

    enum CodingKeys: String, CodingKey {
        case url, secret
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.webhook?.url, forKey: .url)
        try container.encode(self.webhook?.secret, forKey: .secret)
        try container.encode(self.webhook?.createdAt, forKey: .createdAt)
    }
}
