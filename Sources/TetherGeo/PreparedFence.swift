/// A fence prepared for many queries: circles by value, polygons with their edges banded, and
/// the box of each part cut into classified cells (``FenceRaster``), so most positions are
/// answered by one cell lookup and only those near the boundary by the exact test.
///
/// ``FenceIndex`` prepares its fences this way; the alert engine prepares each of a device's
/// fences once per change of its settings.
///
/// ```swift
/// let home = PreparedFence(.circle(center: berlin, radius: 150))
/// home.contains(fix)                           // the fence's own rule, boundary inclusive
/// home.region(around: fix, radius: 25)         // .inside: the whole accuracy circle is inside
/// ```
public struct PreparedFence: Sendable, Hashable {
    /// One stored fence: circles by value, polygons prepared.
    enum Shape: Sendable {
        case circle(latitude: Double, longitude: Double, radius: Double)
        case polygons([PreparedPolygon])
    }

    /// One part's box and its classified cells.
    struct Piece: Sendable {
        let box: BoundingBox
        let raster: FenceRaster
    }

    /// The fence as it was given.
    public let geometry: FenceGeometry
    let shape: Shape
    /// The boxes that hold the fence (two for a circle across the antimeridian, one per polygon
    /// of a multipolygon), each with its cells; none for a circle that matches nothing.
    let pieces: [Piece]

    /// Prepares `geometry`, cutting each part's box into about `cells` classified cells: more
    /// cells leave fewer positions to the exact test and take more memory (a quarter byte each).
    ///
    /// - Complexity: O(*n* + *c*) for *n* edges and *c* cells.
    public init(_ geometry: FenceGeometry, cells: Int = 1_024) {
        self.geometry = geometry
        let boxes = geometry.boundingBoxes.filter {
            $0.minLatitude <= $0.maxLatitude && $0.minLongitude <= $0.maxLongitude
        }
        switch geometry {
        case .circle(let center, let radius):
            // A circle that `validatedCircle` would refuse (radius not positive and finite) matches nothing.
            let valid = radius.isFinite && radius > 0 && center.latitude.isFinite && center.longitude.isFinite
            self.shape = .circle(latitude: center.latitude, longitude: center.longitude, radius: valid ? radius : -1)
            self.pieces =
                valid
                ? boxes.map {
                    Piece(box: $0, raster: FenceRaster(circleAt: center, radius: radius, box: $0, cells: cells))
                } : []
        case .polygon(let polygon):
            let prepared = [PreparedPolygon(polygon)]
            self.shape = .polygons(prepared)
            self.pieces = boxes.map { Piece(box: $0, raster: FenceRaster(polygons: prepared, box: $0, cells: cells)) }
        case .multiPolygon(let polygons):
            let prepared = polygons.map(PreparedPolygon.init)
            self.shape = .polygons(prepared)
            self.pieces = boxes.map { Piece(box: $0, raster: FenceRaster(polygons: prepared, box: $0, cells: cells)) }
        }
    }

    /// Whether the fence holds `point` (boundary included), by the fence's exact rule wherever
    /// the cells cannot tell.
    ///
    /// - Complexity: O(1) away from the boundary; O(*k*) for the *k* edges in the point's band
    ///   near it.
    public func contains(_ point: Coordinate) -> Bool {
        for piece in self.pieces where piece.box.contains(latitude: point.latitude, longitude: point.longitude) {
            switch piece.raster.cellClass(latitude: point.latitude, longitude: point.longitude) {
            case .inside: return true
            case .outside: continue
            case .boundary: return self.exactlyContains(latitude: point.latitude, longitude: point.longitude)
            }
        }
        // ±180° is one meridian: a part may reach it from the other side.
        if abs(point.longitude) == 180 {
            return self.exactlyContains(latitude: point.latitude, longitude: -point.longitude)
                || self.exactlyContains(latitude: point.latitude, longitude: point.longitude)
        }
        return false
    }

    /// Whether the whole circle of `radius` metres around `center` is inside the fence, whole
    /// outside, or either cannot be told from the cells alone (`nil`: ask the exact geometry).
    ///
    /// - Complexity: O(*c*) for the *c* cells the circle's box covers.
    public func region(around center: Coordinate, radius: Double) -> FenceRegion? {
        let boxes = CircleBounds.boxes(center: center, radius: max(0, radius))
        var answer: FenceRegion? = nil
        for box in boxes {
            // Inside when one part's cells hold the whole box; outside when no part's cells meet it.
            var boxAnswer = FenceRegion.outside
            for piece in self.pieces {
                switch piece.raster.cellClass(covering: box) {
                case .outside: continue
                case .inside: boxAnswer = .inside
                case .boundary: return nil
                }
                break
            }
            if answer != nil && answer != boxAnswer { return nil }
            answer = boxAnswer
        }
        return answer
    }

    /// The distance in metres from `point` to the fence's boundary, inside or out: the circle's
    /// edge, or the nearest edge of any ring (measured as ``FenceGeometry/distanceToBoundary(from:)``
    /// does, without preparing the polygons again).
    ///
    /// - Complexity: O(*n*) in the number of edges.
    public func distanceToBoundary(from point: Coordinate) -> Double {
        switch self.shape {
        case .circle(let latitude, let longitude, let radius):
            return abs(Earth.distance(Coordinate(uncheckedLatitude: latitude, longitude: longitude), point) - radius)
        case .polygons(let polygons):
            return polygons.map { $0.edgeDistance(from: point) }.min() ?? .infinity
        }
    }

    /// Two prepared fences are equal when their geometries are.
    public static func == (lhs: PreparedFence, rhs: PreparedFence) -> Bool {
        lhs.geometry == rhs.geometry
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.geometry)
    }

    /// The fence's exact rule: haversine for circles, the prepared polygons' crossing test.
    @inline(__always)
    func exactlyContains(latitude: Double, longitude: Double) -> Bool {
        switch self.shape {
        case .circle(let centerLatitude, let centerLongitude, let radius):
            return radius >= 0
                && Separation.distance(
                    latitude1: centerLatitude,
                    longitude1: centerLongitude,
                    latitude2: latitude,
                    longitude2: longitude
                ) <= radius
        case .polygons(let polygons):
            return polygons.contains { $0.contains(x: longitude, y: latitude) }
        }
    }
}

/// Where a whole circle lies relative to a fence.
public enum FenceRegion: Sendable, Hashable {
    /// Every position of the circle is inside the fence.
    case inside
    /// Every position of the circle is outside the fence.
    case outside
}
