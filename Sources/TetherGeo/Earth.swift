/// Distances and directions on the sphere of the mean Earth radius.
public enum Earth {
    /// The mean Earth radius R₁ in metres (IUGG), the radius every Tether distance uses.
    public static let meanRadius = 6_371_008.8

    /// The haversine (great-circle) distance in metres:
    /// `a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)`, `d = 2R · asin(√a)`.
    ///
    /// - Complexity: O(1).
    @inlinable
    public static func distance(_ a: Coordinate, _ b: Coordinate) -> Double {
        Self.haversine(latitude1: a.latitude, longitude1: a.longitude, latitude2: b.latitude, longitude2: b.longitude)
    }

    /// The haversine distance in metres between two positions given in degrees.
    ///
    /// - Complexity: O(1).
    public static func haversine(latitude1: Double, longitude1: Double, latitude2: Double, longitude2: Double) -> Double
    {
        let phi1 = radians(latitude1)
        let phi2 = radians(latitude2)
        let sinHalfDeltaPhi = geoSin((phi2 - phi1) / 2)
        let sinHalfDeltaLambda = geoSin(radians(longitude2 - longitude1) / 2)
        let a =
            sinHalfDeltaPhi * sinHalfDeltaPhi + geoCos(phi1) * geoCos(phi2) * sinHalfDeltaLambda * sinHalfDeltaLambda
        return 2 * Self.meanRadius * geoAsin(min(1, a.squareRoot()))
    }

    /// The initial bearing from `a` to `b`, in degrees clockwise from north, 0..<360.
    ///
    /// - Complexity: O(1).
    public static func bearing(from a: Coordinate, to b: Coordinate) -> Double {
        let phi1 = radians(a.latitude)
        let phi2 = radians(b.latitude)
        let deltaLambda = radians(b.longitude - a.longitude)
        let y = geoSin(deltaLambda) * geoCos(phi2)
        let x = geoCos(phi1) * geoSin(phi2) - geoSin(phi1) * geoCos(phi2) * geoCos(deltaLambda)
        let bearing = degrees(geoAtan2(y, x))
        return bearing < 0 ? bearing + 360 : bearing
    }

    /// The point reached from `start` by travelling `distance` metres along the great circle with
    /// initial `bearing` (degrees clockwise from north). Longitude is normalised to −180…180.
    ///
    /// - Complexity: O(1).
    public static func destination(from start: Coordinate, bearing: Double, distance: Double) -> Coordinate {
        let delta = distance / Self.meanRadius
        let theta = radians(bearing)
        let phi1 = radians(start.latitude)
        let lambda1 = radians(start.longitude)
        let sinPhi2 = geoSin(phi1) * geoCos(delta) + geoCos(phi1) * geoSin(delta) * geoCos(theta)
        let phi2 = geoAsin(max(-1, min(1, sinPhi2)))
        let lambda2 =
            lambda1 + geoAtan2(geoSin(theta) * geoSin(delta) * geoCos(phi1), geoCos(delta) - geoSin(phi1) * sinPhi2)
        var longitude = degrees(lambda2).truncatingRemainder(dividingBy: 360)
        if longitude > 180 { longitude -= 360 }
        if longitude < -180 { longitude += 360 }
        return Coordinate(uncheckedLatitude: degrees(phi2), longitude: longitude)
    }
}

extension Coordinate {
    /// The haversine distance to `other` in metres.
    public func distance(to other: Coordinate) -> Double {
        Earth.distance(self, other)
    }
}
