/// What a device senses at each sample, and how well. Every value is optional so a leg can
/// change one and keep the rest; ``resolved(over:)`` fills them in.
public struct SensorSettings: Sendable, Hashable, Decodable {
    /// Milliseconds between samples.
    public var every: Int64?
    /// The accuracy radius each GNSS fix reports, in metres.
    public var accuracy: Double?
    /// How far a reported fix may lie from the true position (uniform in a disc), in metres.
    public var jitter: Double?
    /// Whether samples include a GNSS `location` fix.
    public var gnss: Bool?
    /// Whether samples include a `wifi_scan` of the access points in range.
    public var wifi: Bool?
    /// Whether samples include a `cell_towers` scan of the towers in range.
    public var cell: Bool?
    /// Whether the device sends nothing from its samples (switched off, out of reach).
    public var silent: Bool?

    /// Settings with nothing set.
    public init(
        every: Int64? = nil,
        accuracy: Double? = nil,
        jitter: Double? = nil,
        gnss: Bool? = nil,
        wifi: Bool? = nil,
        cell: Bool? = nil,
        silent: Bool? = nil
    ) {
        self.every = every
        self.accuracy = accuracy
        self.jitter = jitter
        self.gnss = gnss
        self.wifi = wifi
        self.cell = cell
        self.silent = silent
    }

    /// The defaults: a 5 m GNSS fix every 15 s, no jitter, no scans.
    public static let defaults = SensorSettings(
        every: 15_000,
        accuracy: 5,
        jitter: 0,
        gnss: true,
        wifi: false,
        cell: false,
        silent: false
    )

    /// These settings, each unset one taken from `base`.
    public func resolved(over base: SensorSettings) -> SensorSettings {
        SensorSettings(
            every: self.every ?? base.every,
            accuracy: self.accuracy ?? base.accuracy,
            jitter: self.jitter ?? base.jitter,
            gnss: self.gnss ?? base.gnss,
            wifi: self.wifi ?? base.wifi,
            cell: self.cell ?? base.cell,
            silent: self.silent ?? base.silent
        )
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case every, accuracy, jitter, gnss, wifi, cell, silent
    }

    /// The keys these settings read, for the types that embed them.
    static var keys: [String] { CodingKeys.allCases.map(\.stringValue) }

    /// Reads the sensor keys of the object at `decoder`; other keys are the caller's.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.every = try container.durationIfPresent(.every)
        if let every = self.every, every < 100 {
            throw container.invalid(.every, "must be at least 100ms")
        }
        self.accuracy = try container.distanceIfPresent(.accuracy)
        self.jitter = try container.distanceIfPresent(.jitter)
        self.gnss = try container.decodeIfPresent(Bool.self, forKey: .gnss)
        self.wifi = try container.decodeIfPresent(Bool.self, forKey: .wifi)
        self.cell = try container.decodeIfPresent(Bool.self, forKey: .cell)
        self.silent = try container.decodeIfPresent(Bool.self, forKey: .silent)
    }
}
