/// A GeoJSON `FeatureCollection` of fences (RFC 7946), decoded with any `Decoder`
/// (Foundation's `JSONDecoder` at the edges; TetherGeo itself needs no Foundation).
///
/// A circle is a `Point` with `properties.radius_m`; polygons and multipolygons are planar in
/// (longitude, latitude). Any problem is a ``GeoError`` naming the feature index:
///
/// ```swift
/// let fences = try JSONDecoder().decode(FenceCollection.self, from: data).fences
/// ```
public struct FenceCollection: Decodable, Sendable {
    /// The fences, in feature order: fence `i` is feature `i`.
    public var fences: [FenceGeometry]

    /// Wraps fences.
    public init(fences: [FenceGeometry]) {
        self.fences = fences
    }

    enum CodingKeys: String, CodingKey {
        case type, features
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try? container.decode(String.self, forKey: .type)
        guard type == "FeatureCollection" else {
            throw GeoError(field: "type", problem: "must be \"FeatureCollection\"")
        }
        var features = try container.nestedUnkeyedContainer(forKey: .features)
        var fences: [FenceGeometry] = []
        if let count = features.count { fences.reserveCapacity(count) }
        while !features.isAtEnd {
            let index = features.currentIndex
            do {
                fences.append(try features.decode(FenceFeature.self).geometry)
            } catch let error as GeoError {
                throw error.inFeature(index)
            } catch let error as DecodingError {
                throw GeoError(featureIndex: index, field: Self.field(of: error), problem: Self.problem(of: error))
            }
        }
        self.fences = fences
    }

    private static func field(of error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        @unknown default: path = []
        }
        // Drop the collection's own keys ("features", index) to name the field inside the feature.
        let inner = path.drop {
            $0.stringValue == "features" || $0.intValue != nil && $0.stringValue.hasPrefix("Index")
        }
        return inner.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }
            .description
    }

    private static func problem(of error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is required"
        case .typeMismatch, .valueNotFound: "has the wrong type (positions are arrays of numbers)"
        case .dataCorrupted: "is not valid"
        @unknown default: "is not valid"
        }
    }
}

/// One `Feature` whose geometry is a fence.
struct FenceFeature: Decodable {
    var geometry: FenceGeometry

    enum CodingKeys: String, CodingKey {
        case type, geometry, properties
    }

    enum GeometryKeys: String, CodingKey {
        case type, coordinates
    }

    enum PropertyKeys: String, CodingKey {
        case radius = "radius_m"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard (try? container.decode(String.self, forKey: .type)) == "Feature" else {
            throw GeoError(field: "type", problem: "must be \"Feature\"")
        }
        let geometry = try container.nestedContainer(keyedBy: GeometryKeys.self, forKey: .geometry)
        let type = try geometry.decode(String.self, forKey: .type)
        switch type {
        case "Point":
            let center = try Self.coordinate(
                try geometry.decode([Double].self, forKey: .coordinates),
                field: "geometry.coordinates"
            )
            guard let properties = try? container.nestedContainer(keyedBy: PropertyKeys.self, forKey: .properties),
                let radius = try? properties.decode(Double.self, forKey: .radius)
            else {
                throw GeoError(field: "properties.radius_m", problem: "is required for a Point fence (a circle)")
            }
            self.geometry = try FenceGeometry.validatedCircle(center: center, radius: radius)
        case "Polygon":
            self.geometry = .polygon(
                try Self.polygon(
                    try geometry.decode([[[Double]]].self, forKey: .coordinates),
                    field: "geometry.coordinates"
                )
            )
        case "MultiPolygon":
            let parts = try geometry.decode([[[[Double]]]].self, forKey: .coordinates)
            guard !parts.isEmpty else {
                throw GeoError(field: "geometry.coordinates", problem: "must hold at least one polygon")
            }
            self.geometry = .multiPolygon(
                try parts.enumerated().map { index, part in
                    try Self.polygon(part, field: "geometry.coordinates[\(index)]")
                }
            )
        default:
            throw GeoError(
                field: "geometry.type",
                problem: "must be Point (with radius_m), Polygon or MultiPolygon, not \(type)"
            )
        }
    }

    private static func polygon(_ rings: [[[Double]]], field: String) throws -> Polygon {
        guard let exterior = rings.first else { throw GeoError(field: field, problem: "must hold an exterior ring") }
        let ring = { (positions: [[Double]], ringField: String) throws -> [Coordinate] in
            try positions.enumerated().map { index, position in
                try Self.coordinate(position, field: "\(ringField)[\(index)]")
            }
        }
        do {
            return try Polygon(
                exterior: try ring(exterior, "\(field)[0]"),
                holes: try rings.dropFirst().enumerated().map { index, hole in try ring(hole, "\(field)[\(index + 1)]")
                }
            )
        } catch var error as GeoError {
            if error.field.hasPrefix("coordinates") { error.field = field + error.field.dropFirst("coordinates".count) }
            throw error
        }
    }

    private static func coordinate(_ position: [Double], field: String) throws(GeoError) -> Coordinate {
        guard position.count >= 2 else { throw GeoError(field: field, problem: "must be [longitude, latitude]") }
        do {
            return try Coordinate(latitude: position[1], longitude: position[0])
        } catch {
            throw GeoError(field: field, problem: "has " + error.description)
        }
    }
}
