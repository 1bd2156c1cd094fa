public import TetherAPI

/// One device an owner pairs: what it is, how it moves and senses, what else it reports, and
/// how it uploads.
public struct ScenarioDevice: Sendable, Hashable, Decodable {
    /// Unique in the scenario; expectations and settings name devices by it.
    public var name: String
    public var kind: Components.Schemas.DeviceKind
    /// The serial; the run adds a unique tag.
    public var serial: String
    public var model: String
    /// This device's own rule values (overrides of the account's).
    public var rules: RuleValues?
    /// Where it is over event time and what it senses there; `nil` for a device that only
    /// sends its ``events``.
    public var track: TrackSpec?
    /// Reports at given times: link changes, properties, usage, SOS presses, heartbeats.
    public var events: [TimedEvent]
    /// How this device uploads, over the scenario's ``Scenario/upload``.
    public var upload: UploadSettings?

    static let kinds: [String: Components.Schemas.DeviceKind] = Dictionary(
        uniqueKeysWithValues: Components.Schemas.DeviceKind.allCases.map { ($0.rawValue, $0) }
    )

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind, serial, model, rules, track, events, upload
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.kind = try container.choice(.kind, Self.kinds)
        self.serial = try container.decodeIfPresent(String.self, forKey: .serial) ?? self.name.uppercased()
        guard
            !self.serial.isEmpty, self.serial.count <= 48,
            self.serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else {
            throw container.invalid(.serial, "must be 1-48 letters, digits, '-', '_', '.' or ':'")
        }
        self.model = try container.decodeIfPresent(String.self, forKey: .model) ?? "SIM-\(self.kind.rawValue)"
        self.rules = try container.decodeIfPresent(RuleValues.self, forKey: .rules)
        self.track = try container.decodeIfPresent(TrackSpec.self, forKey: .track)
        self.events = try container.decodeIfPresent([TimedEvent].self, forKey: .events) ?? []
        self.upload = try container.decodeIfPresent(UploadSettings.self, forKey: .upload)
    }
}
