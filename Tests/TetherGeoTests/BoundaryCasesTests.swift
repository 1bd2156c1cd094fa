import Testing
import TetherGeo

/// Cases within 1 cm of a boundary, where implementations may legitimately differ from another
/// (shapely/GEOS uses robust predicates on the same doubles; a difference there is allowed within
/// 1 cm). Each case states the exact answer and checks that TetherGeo gives it.
struct BoundaryCasesTests {
    /// 1e-9° is about 0.1 mm.
    static let tiny = 1e-9

    @Test(arguments: [
        // (longitude, latitude, inside) around the square (10, 50)–(11, 51).
        (10.5, 50.0, true),  // on the south edge
        (10.5, 50.0 - tiny, false),  // 0.1 mm south of it
        (10.5, 50.0 + tiny, true),
        (11.0, 50.5, true),  // on the east edge
        (11.0 + tiny, 50.5, false),
        (10.0, 51.0, true),  // a vertex
        (10.0 - tiny, 51.0, false),
        (10.0, 51.0 + tiny, false),
    ])
    func pointsWithinAMillimetreOfAStraightEdge(x: Double, y: Double, inside: Bool) throws {
        let fence = FenceGeometry.polygon(try square(x: 10, y: 50))
        #expect(fence.contains(coordinate(y, x)) == inside)
    }

    @Test func pointsOnADiagonalEdgeAndJustOffIt() throws {
        // The triangle (0,0)–(1,0)–(0,1): the hypotenuse x + y = 1 holds (0.5, 0.5) and (0.25, 0.75) exactly in binary.
        let triangle = FenceGeometry.polygon(try Polygon(exterior: ring([(0, 0), (1, 0), (0, 1)])))
        #expect(triangle.contains(coordinate(0.5, 0.5)))
        #expect(triangle.contains(coordinate(0.75, 0.25)))
        #expect(!triangle.contains(coordinate(0.5 + Self.tiny, 0.5 + Self.tiny)))
        #expect(triangle.contains(coordinate(0.5 - Self.tiny, 0.5 - Self.tiny)))
    }

    @Test func circlesOneMillimetreInsideAndOutsideTheRadius() {
        let center = coordinate(48.85, 2.35)
        let fence = FenceGeometry.circle(center: center, radius: 250)
        for bearing in stride(from: 0.0, to: 360, by: 30) {
            let inside = Earth.destination(from: center, bearing: bearing, distance: 250 - 0.001)
            let outside = Earth.destination(from: center, bearing: bearing, distance: 250 + 0.001)
            #expect(fence.contains(inside), "bearing \(bearing)")
            #expect(!fence.contains(outside), "bearing \(bearing)")
        }
    }

    @Test func aHoleEdgeIsInsideAndAMillimetreIntoTheHoleIsNot() throws {
        let fence = FenceGeometry.polygon(try square(x: 0, y: 0, size: 1, hole: (x: 0.25, y: 0.25, size: 0.5)))
        #expect(fence.contains(coordinate(0.5, 0.25)))
        #expect(!fence.contains(coordinate(0.5, 0.25 + Self.tiny)))
        #expect(fence.contains(coordinate(0.5, 0.25 - Self.tiny)))
    }
}
