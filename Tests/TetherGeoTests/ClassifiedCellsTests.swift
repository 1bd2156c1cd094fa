import PropertyBased
import Testing
import TetherCore
import TetherGeo

/// The classified cells (inside, outside, boundary) answer most queries without the exact test;
/// these tests hold them to the exact rule everywhere, above all next to the boundary, where a
/// wrongly classified cell would show.
struct ClassifiedCellsTests {
    /// 1e-9° is about 0.1 mm.
    static let tiny = 1e-9

    /// Fences where cells are easy to get wrong: a hole, a split at the antimeridian, a cap over
    /// a pole and one across the antimeridian, a centimetre circle, a continent-sized one, a thin
    /// sliver and a polygon far from square.
    static func awkwardFences() throws -> [FenceGeometry] {
        [
            .polygon(try square(x: 10, y: 50, size: 0.01, hole: (x: 10.003, y: 50.003, size: 0.004))),
            .multiPolygon([
                try Polygon(exterior: ring([(179.99, -16.51), (180, -16.51), (180, -16.49), (179.99, -16.49)])),
                try Polygon(exterior: ring([(-180, -16.51), (-179.99, -16.51), (-179.99, -16.49), (-180, -16.49)])),
            ]),
            .circle(center: coordinate(89.99, 45), radius: 3_000),
            .circle(center: coordinate(-16.5, 179.995), radius: 900),
            .circle(center: coordinate(52.52, 13.405), radius: 0.01),
            .circle(center: coordinate(40, -100), radius: 2_000_000),
            .polygon(try Polygon(exterior: ring([(20, 60), (20.05, 60), (20.05, 60.0000001), (20, 60)]))),
            .polygon(try regularPolygon(x: -46.63, y: -23.55, radius: 0.02, vertices: 300)),
            // Two parts side by side in the same index cells: their entries merge, tested exactly.
            .multiPolygon([
                try square(x: 2.35, y: 48.85, size: 0.001),
                try square(x: 2.3512, y: 48.8505, size: 0.0008, hole: (x: 2.3514, y: 48.8507, size: 0.0002)),
            ]),
        ]
    }

    /// Positions around a fence: anywhere near its box, and next to its boundary (on a vertex,
    /// a hair either side of an edge, a millimetre either side of a circle).
    static func probes(around fence: FenceGeometry, count: Int, seed: UInt64) -> [Coordinate] {
        var generator = SplitMix64(seed: seed)
        var probes: [Coordinate] = []
        func add(_ latitude: Double, _ longitude: Double) {
            guard latitude >= -90, latitude <= 90 else { return }
            var longitude = longitude
            if longitude > 180 { longitude -= 360 } else if longitude < -180 { longitude += 360 }
            probes.append(coordinate(latitude, longitude))
        }
        switch fence {
        case .circle(let center, let radius):
            for _ in 0..<count {
                let bearing = generator.next(in: 0...360)
                let distance = radius * generator.next(in: 0...1.5)
                let point = Earth.destination(from: center, bearing: bearing, distance: distance)
                add(point.latitude, point.longitude)
                // Circles are compared a millimetre either side: two haversine codes may round a
                // position at the exact radius differently (the shared workloads' 1 cm rule).
                for offset in [-1e-3, 1e-3] {
                    let edge = Earth.destination(from: center, bearing: bearing, distance: radius + offset)
                    add(edge.latitude, edge.longitude)
                }
            }
        case .polygon(let polygon):
            probes += Self.probes(around: [polygon], count: count, generator: &generator)
        case .multiPolygon(let polygons):
            probes += Self.probes(around: polygons, count: count, generator: &generator)
        }
        return probes
    }

    static func probes(around polygons: [Polygon], count: Int, generator: inout SplitMix64) -> [Coordinate] {
        var probes: [Coordinate] = []
        let vertices = polygons.flatMap { [$0.exterior] + $0.holes }.flatMap { $0 }
        let latitudes = vertices.map(\.latitude)
        let longitudes = vertices.map(\.longitude)
        let (south, north) = (latitudes.min()!, latitudes.max()!)
        let (west, east) = (longitudes.min()!, longitudes.max()!)
        let (height, width) = (max(north - south, 1e-6), max(east - west, 1e-6))
        for _ in 0..<count {
            probes.append(
                coordinate(
                    generator.next(in: (south - height / 4)...(north + height / 4)).clamped(to: -90...90),
                    generator.next(in: (west - width / 4)...(east + width / 4)).clamped(to: -180...180)
                )
            )
            // A point along an edge, then a hair to each side of it.
            let ring = vertices
            let edge = Int(generator.next() % UInt64(ring.count - 1))
            let (a, b) = (ring[edge], ring[edge + 1])
            let t = generator.next(in: 0...1)
            let (latitude, longitude) = (
                a.latitude + t * (b.latitude - a.latitude), a.longitude + t * (b.longitude - a.longitude)
            )
            for (dLatitude, dLongitude) in [(0.0, 0.0), (tiny, 0), (-tiny, 0), (0, tiny), (0, -tiny)] {
                probes.append(
                    coordinate(
                        (latitude + dLatitude).clamped(to: -90...90),
                        (longitude + dLongitude).clamped(to: -180...180)
                    )
                )
            }
            probes.append(a)
        }
        return probes
    }

    @Test func preparedFencesAndTheIndexAgreeWithTheExactRuleNextToEveryBoundary() throws {
        let fences = try Self.awkwardFences()
        let index = FenceIndex(fences: fences)
        for (id, fence) in fences.enumerated() {
            // The index's cells (1,024 a part), the alert engine's (256), and coarse ones.
            let cellCounts = [16, 256, 1_024]
            let prepared = cellCounts.map { PreparedFence(fence, cells: $0) }
            var insideCount = 0
            for point in Self.probes(around: fence, count: 1_500, seed: UInt64(id + 1)) {
                let exact = FenceIndexTests.oracleContains(fence, point)
                insideCount += exact ? 1 : 0
                for (cells, fence) in zip(cellCounts, prepared) {
                    #expect(fence.contains(point) == exact, "fence \(id) at \(point), \(cells) cells")
                }
                #expect(index.fences(containing: point).contains(id) == exact, "fence \(id) at \(point) (index)")
            }
            #expect(insideCount > 0, "fence \(id): the probes reach inside")
        }
    }

    @Test func theMillimetreAndHairlineCasesStayExact() throws {
        let unitSquare = PreparedFence(.polygon(try square(x: 10, y: 50)))
        #expect(unitSquare.contains(coordinate(50.0, 10.5)))
        #expect(!unitSquare.contains(coordinate(50.0 - Self.tiny, 10.5)))
        #expect(unitSquare.contains(coordinate(50.0 + Self.tiny, 10.5)))
        #expect(unitSquare.contains(coordinate(51.0, 10.0)))
        #expect(!unitSquare.contains(coordinate(51.0 + Self.tiny, 10.0)))

        let holed = PreparedFence(.polygon(try square(x: 0, y: 0, size: 1, hole: (x: 0.25, y: 0.25, size: 0.5))))
        #expect(holed.contains(coordinate(0.25, 0.5)))
        #expect(!holed.contains(coordinate(0.25 + Self.tiny, 0.5)))
        #expect(holed.contains(coordinate(0.25 - Self.tiny, 0.5)))
        #expect(!holed.contains(coordinate(0.5, 0.5)))

        let center = coordinate(48.85, 2.35)
        let circle = PreparedFence(.circle(center: center, radius: 250))
        for bearing in stride(from: 0.0, to: 360, by: 15) {
            #expect(circle.contains(Earth.destination(from: center, bearing: bearing, distance: 250 - 0.001)))
            #expect(!circle.contains(Earth.destination(from: center, bearing: bearing, distance: 250 + 0.001)))
        }
    }

    @Test func randomFencesAgreeWithTheExactRuleThroughTheIndex() async throws {
        let fences = try FenceIndexTests.fences()
        let index = FenceIndex(fences: fences)
        let prepared = fences.map { PreparedFence($0) }
        await propertyCheck(count: 200, input: Gen.int(in: 0...(fences.count - 1)), Gen.int(in: 1...1_000_000)) {
            id,
            seed in
            for point in Self.probes(around: fences[id], count: 20, seed: UInt64(seed)) {
                let exact = FenceIndexTests.oracleContains(fences[id], point)
                #expect(prepared[id].contains(point) == exact)
                #expect(index.fences(containing: point).contains(id) == exact)
            }
        }
    }

    @Test func aWholeAccuracyCircleIsPlacedByTheCellsAndAgreesWithTheExactGeometry() throws {
        let fences = try Self.awkwardFences() + FenceIndexTests.fences().prefix(60)
        var generator = SplitMix64(seed: 5)
        var answered = 0
        var total = 0
        for (id, fence) in fences.enumerated() {
            let prepared = PreparedFence(fence, cells: id.isMultiple(of: 2) ? 256 : 1_024)
            // Circles anywhere around the fence, up to a tenth of its height across.
            let around = Self.probes(around: fence, count: 10, seed: UInt64(id + 100))
            let (south, north) = (around.map(\.latitude).min()!, around.map(\.latitude).max()!)
            let (west, east) = (around.map(\.longitude).min()!, around.map(\.longitude).max()!)
            let largest = (north - south) * 111_000 / 10
            for _ in 0..<40 {
                let center = coordinate(generator.next(in: south...north), generator.next(in: west...east))
                let radius = generator.next(in: 0...largest)
                total += 1
                guard let region = prepared.region(around: center, radius: radius) else { continue }
                answered += 1
                // Every position of the circle (its centre, rim and between) is on the answer's side.
                for bearing in stride(from: 0.0, to: 360, by: 20) {
                    for fraction in [0.0, 0.5, 1.0] {
                        let point = Earth.destination(from: center, bearing: bearing, distance: radius * fraction)
                        #expect(
                            FenceIndexTests.oracleContains(fence, point) == (region == .inside),
                            "fence \(id), circle of \(radius) m at \(center)"
                        )
                    }
                }
            }
        }
        #expect(answered * 2 > total, "the cells alone place most circles (\(answered) of \(total))")
    }

    @Test func aCircleWellInsideOrFarOutsideIsPlacedWithoutTheExactGeometry() throws {
        let home = PreparedFence(.circle(center: coordinate(52.52, 13.405), radius: 500))
        #expect(home.region(around: coordinate(52.52, 13.405), radius: 50) == .inside)
        #expect(home.region(around: coordinate(52.6, 13.405), radius: 50) == .outside)
        #expect(home.region(around: coordinate(52.5245, 13.405), radius: 50) == nil)  // straddles the edge
        let park = PreparedFence(.polygon(try square(x: 0, y: 0, size: 1, hole: (x: 0.25, y: 0.25, size: 0.5))))
        #expect(park.region(around: coordinate(0.1, 0.5), radius: 1_000) == .inside)
        #expect(park.region(around: coordinate(0.5, 0.5), radius: 1_000) == .outside)  // in the hole
    }
}

extension Double {
    fileprivate func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.max(range.lowerBound, Swift.min(range.upperBound, self))
    }
}
