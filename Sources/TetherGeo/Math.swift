#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The libc functions TetherGeo uses, in one place, so no file needs Foundation.

@inline(__always) func geoSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func geoCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func geoAsin(_ x: Double) -> Double { asin(x) }
@inline(__always) func geoAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

/// Degrees to radians.
@inline(__always) func radians(_ degrees: Double) -> Double { degrees * (Double.pi / 180) }
/// Radians to degrees.
@inline(__always) func degrees(_ radians: Double) -> Double { radians * (180 / Double.pi) }
@inline(__always) func geoPow10(_ x: Double) -> Double { pow(10, x) }
