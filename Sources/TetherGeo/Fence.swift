/// A fence's shape: a circle on the sphere, or planar polygons in (longitude, latitude) as
/// RFC 7946 defines them. The boundary counts as inside.
public enum FenceGeometry: Sendable, Hashable {
    /// Every point whose haversine distance to `center` is at most `radius` metres.
    case circle(center: Coordinate, radius: Double)
    /// One polygon, possibly with holes.
    case polygon(Polygon)
    /// Several polygons (for instance one split at the antimeridian, RFC 7946 §3.1.9).
    case multiPolygon([Polygon])
}

/// A polygon: an exterior ring and holes, each a closed ring of coordinates (first equals last,
/// at least four positions), of either orientation.
public struct Polygon: Sendable, Hashable {
    /// The exterior ring.
    public var exterior: [Coordinate]
    /// The holes.
    public var holes: [[Coordinate]]

    /// Validates the rings.
    ///
    /// - Throws: ``GeoError`` when a ring has fewer than four positions or is not closed.
    public init(exterior: [Coordinate], holes: [[Coordinate]] = []) throws(GeoError) {
        try Self.validate(ring: exterior, field: "coordinates[0]")
        for (index, hole) in holes.enumerated() {
            try Self.validate(ring: hole, field: "coordinates[\(index + 1)]")
        }
        self.exterior = exterior
        self.holes = holes
    }

    private static func validate(ring: [Coordinate], field: String) throws(GeoError) {
        guard ring.count >= 4 else {
            throw GeoError(field: field, problem: "needs at least 4 positions (a closed ring)")
        }
        guard ring.first == ring.last else {
            throw GeoError(field: field, problem: "is not closed: the first and last positions differ")
        }
        guard Set(ring).count >= 3 else {
            throw GeoError(field: field, problem: "needs at least 3 distinct positions")
        }
    }
}

extension FenceGeometry {
    /// Validates a circle.
    ///
    /// - Throws: ``GeoError`` for `radius_m` that is not a positive finite number.
    public static func validatedCircle(center: Coordinate, radius: Double) throws(GeoError) -> FenceGeometry {
        guard radius.isFinite, radius > 0 else {
            throw GeoError(field: "radius_m", problem: "must be a positive number of metres")
        }
        return .circle(center: center, radius: radius)
    }

    /// Whether the fence holds `point` (boundary included), by brute force over every edge; the
    /// reference that ``FenceIndex`` queries are tested against.
    ///
    /// - Complexity: O(*n*) in the number of vertices.
    public func contains(_ point: Coordinate) -> Bool {
        switch self {
        case .circle(let center, let radius):
            return Earth.distance(center, point) <= radius
        case .polygon(let polygon):
            return PreparedPolygon(polygon).contains(x: point.longitude, y: point.latitude)
        case .multiPolygon(let polygons):
            return polygons.contains { PreparedPolygon($0).contains(x: point.longitude, y: point.latitude) }
        }
    }

    /// The distance in metres from `point` to the fence's boundary (the circle's edge, or the
    /// nearest edge of any ring), whether the point is inside or not. Polygon edges are measured in
    /// a local equirectangular projection around the point.
    ///
    /// - Complexity: O(*n*) in the number of vertices.
    public func distanceToBoundary(from point: Coordinate) -> Double {
        switch self {
        case .circle(let center, let radius):
            return abs(Earth.distance(center, point) - radius)
        case .polygon(let polygon):
            return PreparedPolygon(polygon).edgeDistance(from: point)
        case .multiPolygon(let polygons):
            return polygons.map { PreparedPolygon($0).edgeDistance(from: point) }.min() ?? .infinity
        }
    }

    /// The boxes that hold the fence, none crossing the antimeridian.
    var boundingBoxes: [BoundingBox] {
        switch self {
        case .circle(let center, let radius):
            return CircleBounds.boxes(center: center, radius: radius)
        case .polygon(let polygon):
            return [polygon.boundingBox]
        case .multiPolygon(let polygons):
            return polygons.map(\.boundingBox)
        }
    }
}

extension Polygon {
    /// The box of the exterior ring.
    var boundingBox: BoundingBox {
        BoundingBox(latitudes: self.exterior.lazy.map(\.latitude), longitudes: self.exterior.lazy.map(\.longitude))
    }
}

/// The exact box of a spherical cap: Δlat = r/R, Δlon = asin(sin(r/R) / cos φ), padded by 1e-9°;
/// whole longitudes when the cap reaches a pole; split in two when it crosses the antimeridian.
enum CircleBounds {
    static let padding = 1e-9

    static func boxes(center: Coordinate, radius: Double) -> [BoundingBox] {
        let angle = radius / Earth.meanRadius
        let deltaLatitude = degrees(angle) + Self.padding
        let south = center.latitude - deltaLatitude
        let north = center.latitude + deltaLatitude
        if north >= 90 || south <= -90 {
            return [
                BoundingBox(
                    minLatitude: max(-90, south),
                    maxLatitude: min(90, north),
                    minLongitude: -180,
                    maxLongitude: 180
                )
            ]
        }
        let ratio = geoSin(angle) / geoCos(radians(center.latitude))
        let deltaLongitude = ratio >= 1 ? 180 : degrees(geoAsin(ratio)) + Self.padding
        let west = center.longitude - deltaLongitude
        let east = center.longitude + deltaLongitude
        if deltaLongitude >= 180 {
            return [BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: -180, maxLongitude: 180)]
        }
        if west < -180 {
            return [
                BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: -180, maxLongitude: east),
                BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: west + 360, maxLongitude: 180),
            ]
        }
        if east > 180 {
            return [
                BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: west, maxLongitude: 180),
                BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: -180, maxLongitude: east - 360),
            ]
        }
        return [BoundingBox(minLatitude: south, maxLatitude: north, minLongitude: west, maxLongitude: east)]
    }
}
