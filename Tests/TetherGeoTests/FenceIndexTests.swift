import PropertyBased
import Testing
import TetherCore
import TetherGeo

struct FenceIndexTests {
    /// A deterministic mixed set: circles and polygons of 50 m to 5 km around two cities.
    static func fences() throws -> [FenceGeometry] {
        var generator = SplitMix64(seed: 7)
        var fences: [FenceGeometry] = []
        for index in 0..<400 {
            let (cityLatitude, cityLongitude) = index.isMultiple(of: 2) ? (52.52, 13.40) : (-33.87, 151.21)
            let latitude = cityLatitude + generator.next(in: -0.05...0.05)
            let longitude = cityLongitude + generator.next(in: -0.08...0.08)
            let size = index.isMultiple(of: 5) ? generator.next(in: 500...5_000) : generator.next(in: 50...500)
            if index.isMultiple(of: 3) {
                fences.append(.circle(center: coordinate(latitude, longitude), radius: size))
            } else {
                let vertices = index.isMultiple(of: 7) ? 120 : 7
                fences.append(
                    .polygon(try regularPolygon(x: longitude, y: latitude, radius: size / 111_000, vertices: vertices))
                )
            }
        }
        return fences
    }

    @Test func indexedQueriesEqualBruteForce() async throws {
        let fences = try Self.fences()
        let index = FenceIndex(fences: fences)
        #expect(index.count == fences.count)
        await propertyCheck(count: 300, input: Gen.double(in: -0.06...0.06), Gen.double(in: -0.09...0.09), Gen.bool) {
            dLat,
            dLon,
            berlin in
            let point = berlin ? coordinate(52.52 + dLat, 13.40 + dLon) : coordinate(-33.87 + dLat, 151.21 + dLon)
            // An oracle independent of the index's code: textbook haversine, full edge scans.
            let brute = fences.indices.filter { Self.oracleContains(fences[$0], point) }
            #expect(index.fences(containing: point) == brute)
        }
    }

    static func oracleContains(_ fence: FenceGeometry, _ point: Coordinate) -> Bool {
        switch fence {
        case .circle(let center, let radius): Earth.distance(center, point) <= radius
        case .polygon(let polygon): bruteForceContains(polygon, x: point.longitude, y: point.latitude)
        case .multiPolygon(let parts): parts.contains { bruteForceContains($0, x: point.longitude, y: point.latitude) }
        }
    }

    @Test func fencesWithinADistanceEqualBruteForce() async throws {
        let fences = try Self.fences()
        let index = FenceIndex(fences: fences)
        await propertyCheck(
            count: 100,
            input: Gen.double(in: -0.06...0.06),
            Gen.double(in: -0.09...0.09),
            Gen.double(in: 0...2_000)
        ) {
            dLat,
            dLon,
            distance in
            let point = coordinate(52.52 + dLat, 13.40 + dLon)
            let brute = fences.indices.filter {
                Self.oracleContains(fences[$0], point) || fences[$0].distanceToBoundary(from: point) <= distance
            }
            #expect(index.fences(within: distance, of: point) == brute)
        }
    }

    @Test func pointsThatAreNotPositionsMatchNothingAndDoNotTrap() throws {
        let index = FenceIndex(fences: try Self.fences())
        let latitudes: [Double] = [.nan, 52.52, .infinity, 1e300, 52.52]
        let longitudes: [Double] = [13.4, .nan, 13.4, 13.4, -1e300]
        var visits = 0
        latitudes.withUnsafeBufferPointer { latitudes in
            longitudes.withUnsafeBufferPointer { longitudes in
                index.forEachContainment(latitudes: latitudes, longitudes: longitudes) { _, _ in visits += 1 }
            }
        }
        #expect(visits == 0)
        #expect(index.fences(within: .nan, of: coordinate(52.52, 13.4)).isEmpty)
        #expect(index.fences(within: 30_000_000, of: coordinate(89.9, 0)).count == index.count)
    }

    @Test func invalidCirclesMatchNothing() {
        let index = FenceIndex(fences: [
            .circle(center: coordinate(0, 0), radius: .nan), .circle(center: coordinate(0, 0), radius: -5),
            .circle(center: coordinate(0, 0), radius: 10),
        ])
        #expect(index.fences(containing: coordinate(0, 0)) == [2])
        #expect(index.fences(within: 100, of: coordinate(0, 0)) == [2])
    }

    @Test func aPolygonTouchingOneSideOfTheAntimeridianHoldsBothSpellingsOfIt() throws {
        let polygon = try Polygon(exterior: ring([(179, 10), (180, 10), (180, 11), (179, 11)]))
        let index = FenceIndex(fences: [.polygon(polygon)])
        #expect(index.fences(containing: coordinate(10.5, 180)) == [0])
        #expect(index.fences(containing: coordinate(10.5, -180)) == [0])
    }

    @Test func batchMatchesEqualSinglePointQueries() throws {
        let fences = try Self.fences()
        let index = FenceIndex(fences: fences)
        var generator = SplitMix64(seed: 11)
        let points = (0..<2_000).map { _ in
            coordinate(52.52 + generator.next(in: -0.06...0.06), 13.40 + generator.next(in: -0.09...0.09))
        }
        let matches = index.matches(for: points)
        var total = 0
        for (offset, point) in points.enumerated() {
            #expect(Array(matches[offset]).map(Int.init) == index.fences(containing: point))
            total += matches[offset].count
        }
        #expect(total > 0)

        var visited: [(Int, Int)] = []
        points.map(\.latitude).withUnsafeBufferPointer { latitudes in
            points.map(\.longitude).withUnsafeBufferPointer { longitudes in
                index.forEachContainment(latitudes: latitudes, longitudes: longitudes) { visited.append(($0, $1)) }
            }
        }
        #expect(visited.count == total)
    }

    @Test func fencesWithinADistance() throws {
        let circle = FenceGeometry.circle(center: coordinate(0, 0), radius: 100)
        let square = FenceGeometry.polygon(try square(x: 0.01, y: -0.001, size: 0.002))  // about 1.1 km east
        let index = FenceIndex(fences: [circle, square])
        let origin = coordinate(0, 0)
        #expect(index.fences(within: 0, of: origin) == [0])
        #expect(index.fences(within: 1_000, of: origin) == [0])
        #expect(index.fences(within: 1_200, of: origin) == [0, 1])
        let beside = coordinate(0, 0.0018)  // ~200 m east of the centre: 100 m past the circle's edge
        #expect(index.fences(within: 90, of: beside).isEmpty)
        #expect(index.fences(within: 110, of: beside) == [0])

        let batch = index.matches(within: 110, of: [origin, beside, coordinate(5, 5)])
        #expect(Array(batch[0]) == [0])
        #expect(Array(batch[1]) == [0])
        #expect(batch[2].isEmpty)
    }
}
