public import TetherGeo

/// A Wi-Fi access point or cell tower in the scenario's world, heard by devices within range.
///
/// Its identity on the wire (BSSID, cell id) is derived from the run, so landmarks the server
/// learned in another run or scenario never mix in.
public struct RadioTransmitter: Sendable, Hashable, Decodable {
    public var name: String
    public var position: Coordinate
    /// How far it is heard, in metres; `nil` for the kind's default (60 m Wi-Fi, 3 km cell).
    public var range: Double?

    /// A transmitter at `position`, heard within `range` metres.
    public init(name: String, position: Coordinate, range: Double? = nil) {
        self.name = name
        self.position = position
        self.range = range
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, at, range
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.position = try container.decode(ScenarioPoint.self, forKey: .at).coordinate
        self.range = try container.distanceIfPresent(.range)
        if let range = self.range, range <= 0 { throw container.invalid(.range, "must be above 0") }
    }
}
