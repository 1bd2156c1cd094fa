public import TetherAPI

/// What a scenario must lead to: these alerts, and (unless ``noOtherAlerts`` is `false`) no others.
public struct Expectations: Sendable, Hashable, Decodable {
    public var alerts: [ExpectedAlert]
    /// Whether an alert that no expectation matches fails the scenario. Default `true`.
    public var noOtherAlerts: Bool
    /// In a scenario across regions: the home region each named owner must end up in, by owner name.
    public var homeRegions: [String: String]
    /// In a scenario across regions: devices whose telemetry must reach only their home region.
    /// The run posts such a device's first batch to every other region first, which must refuse
    /// it with `421 wrong_region` naming the home region and its URL, then posts it home, where
    /// it must be stored.
    public var telemetryOnlyAtHome: [String]

    /// Expects `alerts`, and unless `noOtherAlerts` is `false`, nothing else.
    public init(
        alerts: [ExpectedAlert] = [],
        noOtherAlerts: Bool = true,
        homeRegions: [String: String] = [:],
        telemetryOnlyAtHome: [String] = []
    ) {
        self.alerts = alerts
        self.noOtherAlerts = noOtherAlerts
        self.homeRegions = homeRegions
        self.telemetryOnlyAtHome = telemetryOnlyAtHome
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case alerts
        case noOtherAlerts = "no_other_alerts"
        case homeRegions = "home_regions"
        case telemetryOnlyAtHome = "telemetry_only_at_home"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.alerts = try container.decodeIfPresent([ExpectedAlert].self, forKey: .alerts) ?? []
        self.noOtherAlerts = try container.decodeIfPresent(Bool.self, forKey: .noOtherAlerts) ?? true
        self.homeRegions = try container.decodeIfPresent([String: String].self, forKey: .homeRegions) ?? [:]
        self.telemetryOnlyAtHome =
            try container.decodeIfPresent([String].self, forKey: .telemetryOnlyAtHome) ?? []
    }
}

/// One alert a scenario expects: its kind and device, when (a window of event time after the
/// start, bounds included), and whether it is suppressed and by what.
public struct ExpectedAlert: Sendable, Hashable, Decodable {
    public var kind: Components.Schemas.AlertKind
    /// The device's name in the scenario.
    public var device: String
    /// The earliest `ts`, milliseconds after the start.
    public var from: Int64
    /// The latest `ts`, milliseconds after the start.
    public var to: Int64
    /// Whether it must be suppressed. Default `false`.
    public var suppressed: Bool
    /// What must have suppressed it: a prefix of `suppressed_by` (`dnd`, `snooze`, `safe`).
    public var suppressedBy: String?
    /// Whether its episode must have ended (`true`) or still be open (`false`) at the end.
    public var ended: Bool?
    /// How many times it must have been repeated (stream event `repeat`) by the end.
    public var repeats: Int?
    /// For a suppressed alert: whether it must have been told later, when its silencer lapsed
    /// while the episode was open (`true`), or never (`false`).
    public var toldLater: Bool?

    static let kinds: [String: Components.Schemas.AlertKind] = Dictionary(
        uniqueKeysWithValues: Components.Schemas.AlertKind.allCases.map { ($0.rawValue, $0) }
    )

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, device, from, to, at, suppressed, ended
        case suppressedBy = "suppressed_by"
        case toldLater = "told_later"
        case repeats
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.kind = try container.choice(.kind, Self.kinds)
        self.device = try container.decode(String.self, forKey: .device)
        if let at = try container.durationIfPresent(.at) {
            guard !container.contains(.from), !container.contains(.to) else {
                throw container.invalid(.at, "give either at or from and to")
            }
            self.from = at
            self.to = at
        } else {
            self.from = try container.duration(.from)
            self.to = try container.duration(.to)
            guard self.from <= self.to else { throw container.invalid(.to, "must not be before from") }
        }
        self.suppressedBy = try container.decodeIfPresent(String.self, forKey: .suppressedBy)
        self.suppressed = try container.decodeIfPresent(Bool.self, forKey: .suppressed) ?? (self.suppressedBy != nil)
        if self.suppressedBy != nil, !self.suppressed {
            throw container.invalid(.suppressedBy, "needs suppressed: true")
        }
        self.ended = try container.decodeIfPresent(Bool.self, forKey: .ended)
        self.toldLater = try container.decodeIfPresent(Bool.self, forKey: .toldLater)
        self.repeats = try container.contains(.repeats) ? container.integer(.repeats, in: 0...1_000) : nil
        if self.toldLater != nil, !self.suppressed {
            throw container.invalid(.toldLater, "only a suppressed alert can be told later")
        }
    }
}
