/// The batch separation kernel for the anti-lost check: haversine distances for many
/// (device, phone) pairs.
///
/// Device and phone are usually metres to kilometres apart, so small separations take a fast
/// path with one libc cosine and short Taylor series (exact to far below a micrometre); larger
/// ones use the textbook formula. Both compute
/// `a = sin²(Δφ/2) + cos φ1 · cos φ2 · sin²(Δλ/2)`, `d = 2R · asin(√a)`, R = 6,371,008.8 m.
public enum Separation {
    /// Below this many radians of Δφ and Δλ (about 32 km), the series are used.
    @usableFromInline static let smallAngle = 0.005

    /// The haversine distance in metres between two positions in degrees.
    ///
    /// - Complexity: O(1).
    @inlinable
    public static func distance(latitude1: Double, longitude1: Double, latitude2: Double, longitude2: Double) -> Double
    {
        let phi1 = latitude1 * (Double.pi / 180)
        let phi2 = latitude2 * (Double.pi / 180)
        let deltaPhi = phi2 - phi1
        var deltaLambda = (longitude2 - longitude1) * (Double.pi / 180)
        // sin²(Δλ/2) has period 2π: wrapping keeps pairs across ±180° on the fast path.
        if deltaLambda > Double.pi {
            deltaLambda -= 2 * Double.pi
        } else if deltaLambda < -Double.pi {
            deltaLambda += 2 * Double.pi
        }
        guard abs(deltaPhi) < Self.smallAngle, abs(deltaLambda) < Self.smallAngle else {
            return Earth.haversine(
                latitude1: latitude1,
                longitude1: longitude1,
                latitude2: latitude2,
                longitude2: longitude2
            )
        }
        let sinHalfDeltaPhi = Self.sinSeries(deltaPhi / 2)
        let sinHalfDeltaLambda = Self.sinSeries(deltaLambda / 2)
        // cos φ1 · cos φ2 = (cos Δφ + cos(φ1 + φ2)) / 2: one libc call instead of two.
        let cosineProduct = (Self.cosSeries(deltaPhi) + Self.libcCos(phi1 + phi2)) / 2
        let a = sinHalfDeltaPhi * sinHalfDeltaPhi + cosineProduct * sinHalfDeltaLambda * sinHalfDeltaLambda
        return 2 * Earth.meanRadius * Self.asinSeries(a.squareRoot())
    }

    /// Distances for pairs given as four parallel arrays in degrees, written to `distances`.
    ///
    /// - Complexity: O(*n*).
    public static func distances(
        deviceLatitudes: UnsafeBufferPointer<Double>,
        deviceLongitudes: UnsafeBufferPointer<Double>,
        phoneLatitudes: UnsafeBufferPointer<Double>,
        phoneLongitudes: UnsafeBufferPointer<Double>,
        into distances: UnsafeMutableBufferPointer<Double>
    ) {
        let count = distances.count
        precondition(
            deviceLatitudes.count == count && deviceLongitudes.count == count && phoneLatitudes.count == count
                && phoneLongitudes.count == count,
            "all arrays hold one value per pair"
        )
        for index in 0..<count {
            distances[index] = Self.distance(
                latitude1: deviceLatitudes[index],
                longitude1: deviceLongitudes[index],
                latitude2: phoneLatitudes[index],
                longitude2: phoneLongitudes[index]
            )
        }
    }

    /// Distances for pairs given as four parallel arrays in degrees.
    ///
    /// - Complexity: O(*n*).
    public static func distances(
        deviceLatitudes: [Double],
        deviceLongitudes: [Double],
        phoneLatitudes: [Double],
        phoneLongitudes: [Double]
    ) -> [Double] {
        [Double](unsafeUninitializedCapacity: deviceLatitudes.count) { output, initialized in
            deviceLatitudes.withUnsafeBufferPointer { deviceLatitudes in
                deviceLongitudes.withUnsafeBufferPointer { deviceLongitudes in
                    phoneLatitudes.withUnsafeBufferPointer { phoneLatitudes in
                        phoneLongitudes.withUnsafeBufferPointer { phoneLongitudes in
                            Self.distances(
                                deviceLatitudes: deviceLatitudes,
                                deviceLongitudes: deviceLongitudes,
                                phoneLatitudes: phoneLatitudes,
                                phoneLongitudes: phoneLongitudes,
                                into: UnsafeMutableBufferPointer(rebasing: output[..<deviceLatitudes.count])
                            )
                        }
                    }
                }
            }
            initialized = deviceLatitudes.count
        }
    }

    /// Distances for (device, phone) pairs.
    ///
    /// - Complexity: O(*n*).
    public static func distances(_ pairs: [(device: Coordinate, phone: Coordinate)]) -> [Double] {
        pairs.map {
            Self.distance(
                latitude1: $0.device.latitude,
                longitude1: $0.device.longitude,
                latitude2: $0.phone.latitude,
                longitude2: $0.phone.longitude
            )
        }
    }

    /// sin x for |x| < 0.005: x − x³/3! + x⁵/5! − x⁷/7! (next term below 1e-24 · x).
    @inlinable @inline(__always)
    static func sinSeries(_ x: Double) -> Double {
        let x2 = x * x
        return x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42)))
    }

    /// cos x for |x| < 0.01: 1 − x²/2! + x⁴/4! − x⁶/6! + x⁸/8!.
    @inlinable @inline(__always)
    static func cosSeries(_ x: Double) -> Double {
        let x2 = x * x
        return 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30 * (1 - x2 / 56)))
    }

    /// asin y for 0 ≤ y < 0.005: y + y³/6 + 3y⁵/40 + 15y⁷/336 + 105y⁹/3456.
    @inlinable @inline(__always)
    static func asinSeries(_ y: Double) -> Double {
        let y2 = y * y
        return y * (1 + y2 * (1.0 / 6 + y2 * (3.0 / 40 + y2 * (15.0 / 336 + y2 * (105.0 / 3456)))))
    }

    @usableFromInline
    static func libcCos(_ x: Double) -> Double { geoCos(x) }
}
