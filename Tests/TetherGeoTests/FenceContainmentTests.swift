import PropertyBased
import Testing
import TetherGeo

struct CircleTests {
    @Test func aPointIsInACircleIffItsHaversineDistanceIsAtMostTheRadius() async {
        let center = coordinate(51.5, -0.12)
        await propertyCheck(input: Gen.double(in: 0..<360), Gen.double(in: 0...400), Gen.double(in: 10...300)) {
            bearing,
            distance,
            radius in
            let point = Earth.destination(from: center, bearing: bearing, distance: distance)
            let fence = FenceGeometry.circle(center: center, radius: radius)
            #expect(fence.contains(point) == (Earth.distance(center, point) <= radius))
            let index = FenceIndex(fences: [fence])
            #expect(index.fences(containing: point) == (fence.contains(point) ? [0] : []))
        }
    }

    @Test func aCircleOverThePoleHoldsThePoleAtEveryLongitude() {
        let fence = FenceGeometry.circle(center: coordinate(89.9, 30), radius: 50_000)
        let index = FenceIndex(fences: [fence])
        for longitude in stride(from: -180.0, through: 180, by: 45) {
            #expect(index.fences(containing: coordinate(90, longitude)) == [0])
            #expect(index.fences(containing: coordinate(89.8, longitude)) == [0])
        }
        #expect(index.fences(containing: coordinate(89.0, 30)).isEmpty)
    }

    @Test func aCircleAcrossTheAntimeridianHoldsBothSides() {
        let fence = FenceGeometry.circle(center: coordinate(-16.5, 179.99), radius: 5_000)
        let index = FenceIndex(fences: [fence])
        #expect(index.fences(containing: coordinate(-16.5, -179.99)) == [0])
        #expect(index.fences(containing: coordinate(-16.5, 179.98)) == [0])
        #expect(index.fences(containing: coordinate(-16.5, -179.9)).isEmpty)
    }
}

struct PolygonTests {
    @Test func theBoundaryOfTheShellAndOfHolesIsInside() throws {
        let polygon = try square(x: 10, y: 50, hole: (x: 10.25, y: 50.25, size: 0.5))
        let fence = FenceGeometry.polygon(polygon)
        let inside: [(Double, Double)] = [
            (10.1, 50.1), (10, 50), (10.5, 50), (11, 51), (10.25, 50.5), (10.25, 50.25), (10.75, 50.75),
        ]
        let outside: [(Double, Double)] = [(10.5, 50.5), (10.3, 50.7), (9.99, 50.5), (11.01, 50.5), (10.5, 51.0001)]
        for (x, y) in inside { #expect(fence.contains(coordinate(y, x)), "(\(x), \(y)) should be inside") }
        for (x, y) in outside { #expect(!fence.contains(coordinate(y, x)), "(\(x), \(y)) should be outside") }
    }

    @Test func aHoleExcludesExactlyWhatItContains() async throws {
        let withHole = try square(x: 0, y: 0, size: 10, hole: (x: 3, y: 3, size: 4))
        let shell = try square(x: 0, y: 0, size: 10)
        let hole = try square(x: 3, y: 3, size: 4)
        await propertyCheck(input: Gen.double(in: -1...11), Gen.double(in: -1...11)) { x, y in
            let point = coordinate(y, x)
            let expected =
                FenceGeometry.polygon(shell).contains(point)
                && (!FenceGeometry.polygon(hole).contains(point) || Self.onBoundary(of: hole, x: x, y: y))
            #expect(FenceGeometry.polygon(withHole).contains(point) == expected)
        }
    }

    static func onBoundary(of square: Polygon, x: Double, y: Double) -> Bool {
        let xs = square.exterior.map(\.longitude)
        let ys = square.exterior.map(\.latitude)
        let (minX, maxX, minY, maxY) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        return ((x == minX || x == maxX) && y >= minY && y <= maxY)
            || ((y == minY || y == maxY) && x >= minX && x <= maxX)
    }

    @Test func reversingOrRotatingARingChangesNothing() async throws {
        let polygon = try regularPolygon(x: 5, y: 5, radius: 2, vertices: 13)
        let open = Array(polygon.exterior.dropLast())
        await propertyCheck(input: Gen.int(in: 0...12), Gen.double(in: 2.5...7.5), Gen.double(in: 2.5...7.5)) {
            shift,
            x,
            y in
            let rotated = Array(open[shift...] + open[..<shift])
            let rotatedRing = rotated + [rotated[0]]
            let reversedRing = Array(rotatedRing.reversed())
            let point = coordinate(y, x)
            let original = FenceGeometry.polygon(polygon).contains(point)
            #expect(FenceGeometry.polygon(try! Polygon(exterior: rotatedRing)).contains(point) == original)
            #expect(FenceGeometry.polygon(try! Polygon(exterior: reversedRing)).contains(point) == original)
        }
    }

    @Test func aPreparedPolygonWithThousandsOfVerticesAgreesWithAFullEdgeScan() async throws {
        let polygon = try regularPolygon(x: 0, y: 0, radius: 1, vertices: 4_000)
        let prepared = PreparedPolygon(polygon)
        await propertyCheck(count: 500, input: Gen.double(in: -1.1...1.1), Gen.double(in: -1.1...1.1)) { x, y in
            #expect(prepared.contains(x: x, y: y) == bruteForceContains(polygon, x: x, y: y))
        }
        // Every vertex is on the boundary.
        for vertex in polygon.exterior.prefix(200) {
            #expect(prepared.contains(x: vertex.longitude, y: vertex.latitude))
        }
    }

    @Test func aPolygonSplitAtTheAntimeridianHoldsPointsOnTheCut() throws {
        let east = try Polygon(exterior: ring([(179, -17), (180, -17), (180, -16), (179, -16)]))
        let west = try Polygon(exterior: ring([(-180, -17), (-179, -17), (-179, -16), (-180, -16)]))
        let fence = FenceGeometry.multiPolygon([east, west])
        let index = FenceIndex(fences: [fence])
        for (latitude, longitude) in [(-16.5, 180.0), (-16.5, -180.0), (-16.5, 179.5), (-16.5, -179.5)] {
            #expect(index.fences(containing: coordinate(latitude, longitude)) == [0], "(\(latitude), \(longitude))")
        }
        #expect(index.fences(containing: coordinate(-16.5, 178.9)).isEmpty)
        #expect(index.fences(containing: coordinate(-16.5, -178.9)).isEmpty)
    }
}
