/// A WGS84 position in degrees.
///
/// ```swift
/// let berlin = try Coordinate(latitude: 52.52, longitude: 13.405)
/// ```
public struct Coordinate: Sendable, Hashable {
    /// Latitude in degrees, −90…90.
    public let latitude: Double
    /// Longitude in degrees, −180…180.
    public let longitude: Double

    /// Validates both values.
    ///
    /// - Throws: ``GeoError`` naming `latitude` or `longitude` for NaN, infinities or values out of range.
    public init(latitude: Double, longitude: Double) throws(GeoError) {
        guard latitude.isFinite, latitude >= -90, latitude <= 90 else {
            throw GeoError(field: "latitude", problem: "must be a number from -90 to 90")
        }
        guard longitude.isFinite, longitude >= -180, longitude <= 180 else {
            throw GeoError(field: "longitude", problem: "must be a number from -180 to 180")
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// A coordinate whose values the caller has already checked (hot paths, decoded workloads).
    @inlinable
    public init(uncheckedLatitude latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }
}
