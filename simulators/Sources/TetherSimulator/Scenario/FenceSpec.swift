public import TetherAPI
public import TetherGeo

/// A fence an owner adds: a circle or a polygon, in one of three roles, for every device of the
/// account or (`device`) for one.
public struct FenceSpec: Sendable, Hashable, Decodable {
    /// The shape of a fence.
    public enum Shape: Sendable, Hashable {
        case circle(center: Coordinate, radius: Double)
        /// An outer ring (closed by the simulator when it is not).
        case polygon([Coordinate])
    }

    public var name: String
    public var role: Components.Schemas.FenceRole
    public var shape: Shape
    /// The device it applies to, by name; `nil` for the whole account.
    public var device: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, role, circle, polygon, device
    }

    enum CircleKeys: String, CodingKey, CaseIterable {
        case center, radius
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decode(String.self, forKey: .name)
        self.role = try container.choice(.role, ["safe": .safe, "keep_in": .keepIn, "keep_out": .keepOut])
        self.device = try container.decodeIfPresent(String.self, forKey: .device)
        switch (container.contains(.circle), container.contains(.polygon)) {
        case (true, false):
            let circle = try container.superDecoder(forKey: .circle)
            try circle.rejectUnknownKeys(CircleKeys.self)
            let keys = try circle.container(keyedBy: CircleKeys.self)
            let center = try keys.decode(ScenarioPoint.self, forKey: .center).coordinate
            guard let radius = try keys.distanceIfPresent(.radius), radius > 0 else {
                throw keys.invalid(.radius, "must be a distance above 0, like 100m")
            }
            self.shape = .circle(center: center, radius: radius)
        case (false, true):
            let points = try container.decode([ScenarioPoint].self, forKey: .polygon).map(\.coordinate)
            guard Set(points).count >= 3 else {
                throw container.invalid(.polygon, "must list at least 3 distinct points")
            }
            self.shape = .polygon(points)
        default:
            throw container.invalid(.circle, "a fence needs exactly one of circle or polygon")
        }
    }
}
