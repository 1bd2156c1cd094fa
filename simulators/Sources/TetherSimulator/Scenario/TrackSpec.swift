public import TetherGeo

/// How a device moves over event time, and what it senses on the way.
///
/// The track starts at ``start`` at event time 0 and runs through ``legs`` one after the other.
/// The device takes a sample every ``SensorSettings/every``: a GNSS fix, a Wi-Fi scan, a cell
/// scan, as its sensors say; each leg may change them.
public struct TrackSpec: Sendable, Hashable, Decodable {
    public var start: Coordinate
    /// The sensors for the whole track; legs override them.
    public var sensors: SensorSettings
    public var legs: [Leg]
    /// Extra fixes far from the true position (a GNSS glitch).
    public var wildFixes: [WildFix]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case start, legs
        case wildFixes = "wild_fixes"
    }

    /// A track from `start` through `legs`.
    public init(start: Coordinate, sensors: SensorSettings = SensorSettings(), legs: [Leg], wildFixes: [WildFix] = []) {
        self.start = start
        self.sensors = sensors
        self.legs = legs
        self.wildFixes = wildFixes
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.stringValue) + SensorSettings.keys)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.start = try container.decode(ScenarioPoint.self, forKey: .start).coordinate
        self.sensors = try SensorSettings(from: decoder)
        self.legs = try container.decodeIfPresent([Leg].self, forKey: .legs) ?? []
        self.wildFixes = try container.decodeIfPresent([WildFix].self, forKey: .wildFixes) ?? []
    }
}

/// One stretch of a track: staying, going somewhere at a speed, or wandering at random.
public struct Leg: Sendable, Hashable, Decodable {
    /// How the device moves during a leg.
    public enum Motion: Sendable, Hashable {
        /// Stays where it is for this many milliseconds.
        case stay(milliseconds: Int64)
        /// Goes along the great circle to `destination` at `speed` metres per second.
        case moveTo(destination: Coordinate, speed: Double)
        /// Wanders for `milliseconds`: a `step` in metres each sample, in a seeded random
        /// direction, never farther than `radius` from where it began.
        case randomWalk(milliseconds: Int64, step: Double, radius: Double)
    }

    public var motion: Motion
    /// Sensor changes for this leg only.
    public var sensors: SensorSettings

    /// A leg that moves as `motion`, with `sensors` changed for it.
    public init(_ motion: Motion, sensors: SensorSettings = SensorSettings()) {
        self.motion = motion
        self.sensors = sensors
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case stay, to, speed, step, radius
        case randomWalk = "random_walk"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.allCases.map(\.stringValue) + SensorSettings.keys)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let motions = [CodingKeys.stay, .to, .randomWalk].filter(container.contains)
        guard motions.count == 1 else {
            throw container.invalid(motions.last ?? .stay, "a leg needs exactly one of stay, to or random_walk")
        }
        switch motions[0] {
        case .stay:
            self.motion = .stay(milliseconds: try container.duration(.stay))
        case .to:
            self.motion = .moveTo(
                destination: try container.decode(ScenarioPoint.self, forKey: .to).coordinate,
                speed: try container.speed(.speed)
            )
        default:
            guard let step = try container.distanceIfPresent(.step), step > 0 else {
                throw container.invalid(.step, "a random walk needs a step above 0, like 3m")
            }
            guard let radius = try container.distanceIfPresent(.radius), radius > 0 else {
                throw container.invalid(.radius, "a random walk needs a radius above 0, like 30m")
            }
            self.motion = .randomWalk(milliseconds: try container.duration(.randomWalk), step: step, radius: radius)
        }
        self.sensors = try SensorSettings(from: decoder)
    }
}

/// One fix far from where the device really is, with a confident accuracy: a GNSS glitch.
public struct WildFix: Sendable, Hashable, Decodable {
    /// Event time, milliseconds after the start.
    public var at: Int64
    /// How far from the true position, in metres.
    public var offset: Double
    /// In which direction, degrees clockwise from north.
    public var bearing: Double
    /// The accuracy it claims; the track's when `nil`.
    public var accuracy: Double?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case at, offset, bearing, accuracy
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.at = try container.duration(.at)
        self.offset = try container.distanceIfPresent(.offset) ?? 0
        self.bearing = try container.decodeIfPresent(Double.self, forKey: .bearing) ?? 90
        self.accuracy = try container.distanceIfPresent(.accuracy)
    }
}
