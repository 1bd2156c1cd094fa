/// An owner's do-not-disturb settings: weekly windows, a snooze and the switch.
public struct DoNotDisturbSpec: Sendable, Hashable, Decodable {
    /// A weekly window, as `tether dnd add` takes it.
    public struct Window: Sendable, Hashable, Decodable {
        public var days: String
        public var from: String
        public var to: String
        public var tz: String
        /// The device it applies to, by name; `nil` for the whole account.
        public var device: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case days, from, to, tz, device
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.days = try container.decode(String.self, forKey: .days)
            self.from = try container.decode(String.self, forKey: .from)
            self.to = try container.decode(String.self, forKey: .to)
            self.tz = try container.decode(String.self, forKey: .tz)
            self.device = try container.decodeIfPresent(String.self, forKey: .device)
        }
    }

    /// A snooze for a while from when the settings are applied (the server's clock).
    public struct Snooze: Sendable, Hashable, Decodable {
        /// How long, in seconds.
        public var seconds: Int
        public var device: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case duration = "for"
            case device
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.seconds = Int(try container.duration(.duration) / 1_000)
            self.device = try container.decodeIfPresent(String.self, forKey: .device)
        }
    }

    public var windows: [Window]
    public var snooze: Snooze?
    /// `false` turns do-not-disturb off for the account.
    public var enabled: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case windows, snooze, enabled
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.windows = try container.decodeIfPresent([Window].self, forKey: .windows) ?? []
        self.snooze = try container.decodeIfPresent(Snooze.self, forKey: .snooze)
        self.enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
    }
}
