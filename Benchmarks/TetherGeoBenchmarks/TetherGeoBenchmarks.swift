import Benchmark
import TetherCore
import TetherGeo

/// TetherGeo on synthetic workloads shaped like `../shared/bench` (10 cities, 40% circles, 60%
/// polygons, 80% of fences 50–500 m, 20% 0.5–5 km, points walking among them). For the shared
/// workload files themselves and the ratios against shapely, see `tether-bench geo` and
/// `scripts/compare-geo.sh`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 5
    )

    for fenceCount in [1_000, 100_000] {
        Benchmark("contains, \(fenceCount) fences × 1M points") { benchmark, workload in
            for _ in benchmark.scaledIterations {
                var matches = 0
                workload.latitudes.withUnsafeBufferPointer { latitudes in
                    workload.longitudes.withUnsafeBufferPointer { longitudes in
                        workload.index.forEachContainment(latitudes: latitudes, longitudes: longitudes) { _, _ in
                            matches += 1
                        }
                    }
                }
                blackHole(matches)
            }
        } setup: {
            SyntheticWorkload(fences: fenceCount, points: 1_000_000, seed: 42)
        }

        Benchmark("index build, \(fenceCount) fences") { benchmark, fences in
            for _ in benchmark.scaledIterations {
                blackHole(FenceIndex(fences: fences))
            }
        } setup: {
            SyntheticWorkload.fences(count: fenceCount, seed: 42)
        }
    }

    // The alert engine's question for each fix: is its whole accuracy circle inside a fence,
    // outside it, or across the edge? Classified cells against the exact geometry.
    Benchmark("fix placement, 100k fixes × 10 fences, classified cells") { benchmark, workload in
        for _ in benchmark.scaledIterations {
            var decided = 0
            for (center, accuracy) in workload.fixes {
                for fence in workload.prepared where fence.region(around: center, radius: accuracy) != nil {
                    decided += 1
                }
            }
            blackHole(decided)
        }
    } setup: {
        FixWorkload(seed: 3)
    }

    Benchmark("fix placement, 100k fixes × 10 fences, exact geometry") { benchmark, workload in
        for _ in benchmark.scaledIterations {
            var decided = 0
            for (center, accuracy) in workload.fixes {
                for fence in workload.fences where fence.distanceToBoundary(from: center) >= accuracy {
                    decided += fence.contains(center) ? 1 : 0
                }
            }
            blackHole(decided)
        }
    } setup: {
        FixWorkload(seed: 3)
    }

    Benchmark("separation, 1M pairs") { benchmark, workload in
        for _ in benchmark.scaledIterations {
            let distances = Separation.distances(
                deviceLatitudes: workload.latitudes,
                deviceLongitudes: workload.longitudes,
                phoneLatitudes: workload.phoneLatitudes,
                phoneLongitudes: workload.phoneLongitudes
            )
            blackHole(distances[0])
        }
    } setup: {
        SyntheticWorkload(fences: 10, points: 1_000_000, seed: 7)
    }
}

/// A deterministic workload: fences around ten cities and points (with phones) near them.
struct SyntheticWorkload: Sendable {
    static let cities: [(latitude: Double, longitude: Double)] = [
        (51.507, -0.128), (40.713, -74.006), (35.690, 139.692), (-23.551, -46.633), (-33.869, 151.209),
        (1.352, 103.820), (52.520, 13.405), (37.775, -122.419), (64.147, -21.943), (-1.292, 36.822),
    ]

    let index: FenceIndex
    let latitudes: [Double]
    let longitudes: [Double]
    let phoneLatitudes: [Double]
    let phoneLongitudes: [Double]

    init(fences fenceCount: Int, points: Int, seed: UInt64) {
        self.index = FenceIndex(fences: Self.fences(count: fenceCount, seed: seed))
        var random = SplitMix64(seed: seed &+ 1)
        var latitudes: [Double] = []
        var longitudes: [Double] = []
        var phoneLatitudes: [Double] = []
        var phoneLongitudes: [Double] = []
        for _ in 0..<points {
            let city = Self.cities[Int(random.next() % 10)]
            let latitude = city.latitude + random.normal() * 0.05
            let longitude = city.longitude + random.normal() * 0.07
            latitudes.append(latitude)
            longitudes.append(longitude)
            // Phones: usually metres away, sometimes kilometres.
            let offset = random.unit() < 0.9 ? 0.0002 : 0.02
            phoneLatitudes.append(latitude + random.normal() * offset)
            phoneLongitudes.append(longitude + random.normal() * offset)
        }
        (self.latitudes, self.longitudes, self.phoneLatitudes, self.phoneLongitudes) = (
            latitudes, longitudes, phoneLatitudes, phoneLongitudes
        )
    }

    static func fences(count: Int, seed: UInt64) -> [FenceGeometry] {
        var random = SplitMix64(seed: seed)
        var fences: [FenceGeometry] = []
        fences.reserveCapacity(count)
        let spread = 0.05 * (Double(count) / 1_000).squareRoot()
        for _ in 0..<count {
            let city = Self.cities[Int(random.next() % 10)]
            let latitude = city.latitude + random.normal() * min(spread, 0.5)
            let longitude = city.longitude + random.normal() * min(spread, 0.5) * 1.4
            let size = random.unit() < 0.8 ? 50 * random.logUniform(10) : 500 * random.logUniform(10)
            if random.unit() < 0.4 {
                fences.append(
                    .circle(center: Coordinate(uncheckedLatitude: latitude, longitude: longitude), radius: size)
                )
            } else {
                let vertices = random.unit() < 0.95 ? 4 + Int(random.next() % 29) : 100 + Int(random.next() % 301)
                let degrees = size / 111_000
                var ring: [Coordinate] = (0..<vertices).map { index in
                    let angle = Double(index) / Double(vertices) * 2 * Double.pi
                    let radius = degrees * (0.6 + 0.4 * random.unit())
                    return Coordinate(
                        uncheckedLatitude: latitude + radius * Trig.sin(angle),
                        longitude: longitude + radius * 1.4 * Trig.cos(angle)
                    )
                }
                ring.append(ring[0])
                fences.append(.polygon(try! Polygon(exterior: ring)))
            }
        }
        return fences
    }
}

/// Fixes with accuracy circles (5–100 m) around ten fences of one city, as a device's rules hold.
struct FixWorkload: Sendable {
    let fences: [FenceGeometry]
    let prepared: [PreparedFence]
    let fixes: [(Coordinate, Double)]

    init(seed: UInt64) {
        self.fences = SyntheticWorkload.fences(count: 10, seed: seed).map { fence in
            // One city: move every fence next to Berlin, keeping its shape.
            switch fence {
            case .circle(let center, let radius):
                return .circle(center: Self.nearBerlin(center), radius: radius)
            case .polygon(let polygon):
                return .polygon(try! Polygon(exterior: polygon.exterior.map(Self.nearBerlin)))
            case .multiPolygon:
                return fence
            }
        }
        self.prepared = self.fences.map { PreparedFence($0) }
        var random = SplitMix64(seed: seed &+ 1)
        self.fixes = (0..<100_000).map { _ in
            let position = Coordinate(
                uncheckedLatitude: 52.52 + random.normal() * 0.01,
                longitude: 13.405 + random.normal() * 0.014
            )
            return (position, 5 + random.unit() * 95)
        }
    }

    /// The same place relative to its city, moved to Berlin.
    static func nearBerlin(_ point: Coordinate) -> Coordinate {
        let city = SyntheticWorkload.cities.min {
            abs($0.latitude - point.latitude) + abs($0.longitude - point.longitude)
                < abs($1.latitude - point.latitude) + abs($1.longitude - point.longitude)
        }!
        return Coordinate(
            uncheckedLatitude: 52.52 + (point.latitude - city.latitude),
            longitude: 13.405 + (point.longitude - city.longitude)
        )
    }
}

/// The distributions the synthetic fleets use, on TetherCore's seeded generator.
extension SplitMix64 {
    mutating func unit() -> Double { self.next(in: 0...1) }

    /// Roughly normal (sum of uniforms), mean 0, deviation 1.
    mutating func normal() -> Double { (0..<12).reduce(0.0) { sum, _ in sum + self.unit() } - 6 }

    /// Log-uniform on 1…`ratio`.
    mutating func logUniform(_ ratio: Double) -> Double { Trig.exp(self.unit() * Trig.log(ratio)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum Trig {
    static func sin(_ x: Double) -> Double { Glibc.sin(x) }
    static func cos(_ x: Double) -> Double { Glibc.cos(x) }
    static func exp(_ x: Double) -> Double { Glibc.exp(x) }
    static func log(_ x: Double) -> Double { Glibc.log(x) }
}
