public import TetherGeo

/// A person with an account: their devices (a phone among them) and their alert settings.
public struct ScenarioOwner: Sendable, Hashable, Decodable {
    /// An emergency contact, shown with every `sos` alert.
    public struct Contact: Sendable, Hashable, Decodable {
        public var name: String
        /// Digits with an optional leading `+`, spaces, dashes and parentheses.
        public var phone: String

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, phone
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.phone = try container.decode(String.self, forKey: .phone)
        }
    }

    /// Names the owner in progress lines; also the default email's local part.
    public var name: String
    /// The email to register; the run adds a unique tag (`ada+k3x9p@example.org`).
    public var email: String
    public var devices: [ScenarioDevice]
    /// Account-wide rule values.
    public var rules: RuleValues?
    public var fences: [FenceSpec]
    public var dnd: DoNotDisturbSpec?
    public var emergencyContact: Contact?
    /// Where the phone is when the owner registers: sent as `latitude`/`longitude`, so the
    /// servers choose the home region from it.
    public var location: Coordinate?
    /// In a scenario across regions, the id of the region whose server the owner contacts first
    /// (default the scenario's first region); it sends the owner home when it is not theirs.
    public var firstContact: String?
    /// The phone's backup: its files and what happens to them (push, edit, restore, verify, move).
    public var backup: BackupSpec?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, email, devices, rules, fences, dnd, location, backup
        case emergencyContact = "emergency_contact"
        case firstContact = "first_contact"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.email = try container.decodeIfPresent(String.self, forKey: .email) ?? "\(self.name)@sim.example.org"
        guard self.email.split(separator: "@").count == 2 else {
            throw container.invalid(.email, "must look like name@example.org")
        }
        self.devices = try container.decode([ScenarioDevice].self, forKey: .devices)
        guard !self.devices.isEmpty else { throw container.invalid(.devices, "must list at least one device") }
        self.rules = try container.decodeIfPresent(RuleValues.self, forKey: .rules)
        self.fences = try container.decodeIfPresent([FenceSpec].self, forKey: .fences) ?? []
        self.dnd = try container.decodeIfPresent(DoNotDisturbSpec.self, forKey: .dnd)
        self.emergencyContact = try container.decodeIfPresent(Contact.self, forKey: .emergencyContact)
        self.location = try container.decodeIfPresent(ScenarioPoint.self, forKey: .location)?.coordinate
        self.firstContact = try container.decodeIfPresent(String.self, forKey: .firstContact)
        self.backup = try container.decodeIfPresent(BackupSpec.self, forKey: .backup)
    }
}
