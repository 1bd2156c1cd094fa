public import TetherGeo

/// A position in a scenario file: a place's name (`"home"`), `{"lat": …, "lon": …}`, or either
/// moved by `north` / `east` distances (`{"place": "home", "north": "40m", "east": "-10m"}`).
public struct ScenarioPoint: Sendable, Hashable, Decodable {
    /// The position it names.
    public var coordinate: Coordinate

    /// A point at `coordinate`.
    public init(_ coordinate: Coordinate) {
        self.coordinate = coordinate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case place, lat, lon, north, east
    }

    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder, places: decoder.userInfo[.scenarioPlaces] as? [String: Coordinate] ?? [:])
    }

    /// Reads a point whose place names refer to `places`.
    init(from decoder: any Decoder, places: [String: Coordinate]) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            guard let place = places[name] else {
                throw DecodingError.dataCorruptedError(
                    in: single,
                    debugDescription:
                        "no place named '\(name)' (places: \(places.keys.sorted().joined(separator: ", ")))"
                )
            }
            self.coordinate = place
            return
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var base: Coordinate
        if container.contains(.place) {
            let name = try container.decode(String.self, forKey: .place)
            guard let place = places[name] else {
                throw container.invalid(.place, "no place named '\(name)'")
            }
            base = place
        } else {
            let latitude = try container.decode(Double.self, forKey: .lat)
            let longitude = try container.decode(Double.self, forKey: .lon)
            do {
                base = try Coordinate(latitude: latitude, longitude: longitude)
            } catch {
                throw container.invalid(error.field == "latitude" ? .lat : .lon, error.problem)
            }
        }
        if let north = try container.distanceIfPresent(.north, allowNegative: true), north != 0 {
            base = Earth.destination(from: base, bearing: north > 0 ? 0 : 180, distance: abs(north))
        }
        if let east = try container.distanceIfPresent(.east, allowNegative: true), east != 0 {
            base = Earth.destination(from: base, bearing: east > 0 ? 90 : 270, distance: abs(east))
        }
        self.coordinate = base
    }
}

extension CodingUserInfoKey {
    /// The scenario's named places (`[String: Coordinate]`), read before the rest of the file.
    static let scenarioPlaces = CodingUserInfoKey(rawValue: "tether.scenario.places")!
}
