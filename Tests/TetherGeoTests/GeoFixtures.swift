import TetherGeo

/// A coordinate from trusted literals.
func coordinate(_ latitude: Double, _ longitude: Double) -> Coordinate {
    Coordinate(uncheckedLatitude: latitude, longitude: longitude)
}

/// A closed ring from (longitude, latitude) pairs; the first pair is repeated at the end.
func ring(_ pairs: [(Double, Double)]) -> [Coordinate] {
    let open = pairs.map { coordinate($0.1, $0.0) }
    return open + [open[0]]
}

/// The 1°×1° square at (x, y)–(x+1, y+1) with an optional square hole (hx, hy)–(hx+s, hy+s).
func square(x: Double, y: Double, size: Double = 1, hole: (x: Double, y: Double, size: Double)? = nil) throws -> Polygon
{
    let exterior = ring([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
    let holes =
        hole.map {
            [ring([($0.x, $0.y), ($0.x, $0.y + $0.size), ($0.x + $0.size, $0.y + $0.size), ($0.x + $0.size, $0.y)])]
        } ?? []
    return try Polygon(exterior: exterior, holes: holes)
}

/// A regular polygon of `vertices` corners around (x, y) with radius `radius` degrees.
func regularPolygon(x: Double, y: Double, radius: Double, vertices: Int) throws -> Polygon {
    let pairs = (0..<vertices).map { index -> (Double, Double) in
        let angle = Double(index) / Double(vertices) * 2 * Double.pi
        // A slight wobble makes the shape non-convex.
        let r = radius * (index.isMultiple(of: 2) ? 1 : 0.8)
        return (x + r * cosine(angle), y + r * sine(angle))
    }
    return try Polygon(exterior: ring(pairs))
}

/// Whether `polygon` holds (x, y) by scanning every edge: the test's own crossing-number oracle.
func bruteForceContains(_ polygon: Polygon, x: Double, y: Double) -> Bool {
    func locate(_ ring: [Coordinate]) -> (inside: Bool, onBoundary: Bool) {
        var inside = false
        for index in 0..<(ring.count - 1) {
            let (x1, y1, x2, y2) = (
                ring[index].longitude, ring[index].latitude, ring[index + 1].longitude, ring[index + 1].latitude
            )
            let cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
            if cross == 0 && x >= min(x1, x2) && x <= max(x1, x2) && y >= min(y1, y2) && y <= max(y1, y2) {
                return (false, true)
            }
            if (y1 > y) != (y2 > y) && (cross > 0) == (y2 > y1) { inside.toggle() }
        }
        return (inside, false)
    }
    let shell = locate(polygon.exterior)
    if shell.onBoundary { return true }
    guard shell.inside else { return false }
    for hole in polygon.holes {
        let location = locate(hole)
        if location.onBoundary { return true }
        if location.inside { return false }
    }
    return true
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func sine(_ x: Double) -> Double { sin(x) }
func cosine(_ x: Double) -> Double { cos(x) }
