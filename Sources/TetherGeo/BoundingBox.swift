/// A latitude/longitude box that does not cross the antimeridian (a fence that does is
/// indexed as two boxes).
public struct BoundingBox: Sendable, Hashable {
    /// Southern edge, degrees.
    public var minLatitude: Double
    /// Northern edge, degrees.
    public var maxLatitude: Double
    /// Western edge, degrees.
    public var minLongitude: Double
    /// Eastern edge, degrees; not less than ``minLongitude``.
    public var maxLongitude: Double

    /// Creates a box.
    public init(minLatitude: Double, maxLatitude: Double, minLongitude: Double, maxLongitude: Double) {
        self.minLatitude = minLatitude
        self.maxLatitude = maxLatitude
        self.minLongitude = minLongitude
        self.maxLongitude = maxLongitude
    }

    /// The smallest box holding every position.
    init(latitudes: some Sequence<Double>, longitudes: some Sequence<Double>) {
        var box = BoundingBox(
            minLatitude: .infinity,
            maxLatitude: -.infinity,
            minLongitude: .infinity,
            maxLongitude: -.infinity
        )
        for latitude in latitudes {
            box.minLatitude = min(box.minLatitude, latitude)
            box.maxLatitude = max(box.maxLatitude, latitude)
        }
        for longitude in longitudes {
            box.minLongitude = min(box.minLongitude, longitude)
            box.maxLongitude = max(box.maxLongitude, longitude)
        }
        self = box
    }

    /// Whether the box holds the position (edges included).
    ///
    /// - Complexity: O(1).
    @inlinable
    public func contains(latitude: Double, longitude: Double) -> Bool {
        latitude >= self.minLatitude && latitude <= self.maxLatitude && longitude >= self.minLongitude
            && longitude <= self.maxLongitude
    }

    /// The smallest box holding both.
    func union(_ other: BoundingBox) -> BoundingBox {
        BoundingBox(
            minLatitude: min(self.minLatitude, other.minLatitude),
            maxLatitude: max(self.maxLatitude, other.maxLatitude),
            minLongitude: min(self.minLongitude, other.minLongitude),
            maxLongitude: max(self.maxLongitude, other.maxLongitude)
        )
    }
}
