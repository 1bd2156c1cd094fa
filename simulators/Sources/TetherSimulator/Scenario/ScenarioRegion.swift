/// A region of a scenario across regions: its id, jurisdiction group and the area it serves.
///
/// The servers under test run with a region directory that has these regions
/// (`protocols/sync.md`); the simulator itself only needs their URLs (`tether-sim run --regions
/// FILE`), and tests write the directory from these entries.
public struct ScenarioRegion: Sendable, Hashable, Decodable {
    /// A box of longitudes and latitudes, in degrees.
    public struct Box: Sendable, Hashable, Decodable {
        public var west: Double
        public var south: Double
        public var east: Double
        public var north: Double

        enum CodingKeys: String, CodingKey, CaseIterable {
            case west, south, east, north
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.west = try container.decode(Double.self, forKey: .west)
            self.south = try container.decode(Double.self, forKey: .south)
            self.east = try container.decode(Double.self, forKey: .east)
            self.north = try container.decode(Double.self, forKey: .north)
            guard (-180...180).contains(self.west), (-180...180).contains(self.east), self.west < self.east else {
                throw container.invalid(.east, "must be east of west, both within -180...180")
            }
            guard (-90...90).contains(self.south), (-90...90).contains(self.north), self.south < self.north else {
                throw container.invalid(.north, "must be north of south, both within -90...90")
            }
        }
    }

    /// The region id, as in the region directory (`eu`).
    public var id: String
    /// The jurisdiction group (`eu`, `us`, …).
    public var group: String
    /// The area it serves; `nil` for none (it is then home only by choice or as the nearest).
    public var area: Box?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, group, area
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...32).contains(self.id.count), self.id.allSatisfy(allowed.contains) else {
            throw container.invalid(.id, "must be 1 to 32 of a-z, 0-9 and '-', not '\(self.id)'")
        }
        self.group = try container.decodeIfPresent(String.self, forKey: .group) ?? self.id
        self.area = try container.decodeIfPresent(Box.self, forKey: .area)
    }
}
