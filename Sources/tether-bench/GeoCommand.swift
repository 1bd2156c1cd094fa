import ArgumentParser
import Dispatch
import Foundation
import Synchronization
import TetherGeo

/// `tether-bench geo --workload DIR`: containment of every point in the fence index, and the
/// separation kernel over (point, phone) pairs, as JSON lines comparable with `ref_shapely.py`.
struct GeoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Point-in-fence containment and haversine separation on a workload folder."
    )

    @Option(help: "A folder made by gen_workload.py (fences.geojson, points.csv, phones.csv).")
    var workload: String

    @Option(help: "Threads for containment (the points are split into that many chunks).")
    var threads: Int = 1

    @Option(name: .customLong("repeat"), help: "Timed runs of each measurement; the best is reported.")
    var repeats: Int = 3

    func validate() throws {
        guard self.threads >= 1, self.repeats >= 1 else {
            throw ValidationError("--threads and --repeat must be at least 1")
        }
    }

    func run() throws {
        let workload = Workload(directory: URL(fileURLWithPath: self.workload, isDirectory: true))
        let (fences, loadSeconds) = try Stopwatch.time { try workload.fences() }
        let (index, buildSeconds) = Stopwatch.time { FenceIndex(fences: fences) }
        let points = try workload.points()
        let circles = fences.map { if case .circle = $0 { true } else { false } }

        var best: (seconds: Double, tally: ContainmentTally)?
        for _ in 0..<self.repeats {
            let (tally, seconds) = Stopwatch.time {
                ContainmentTally.run(
                    index: index,
                    latitudes: points.latitudes,
                    longitudes: points.longitudes,
                    circles: circles,
                    threads: self.threads
                )
            }
            if best == nil || seconds < best!.seconds { best = (seconds, tally) }
        }
        let (seconds, tally) = best!
        try JSONLine.print([
            "bench": "contains", "fences": fences.count, "points": points.latitudes.count, "threads": self.threads,
            "seconds": Stopwatch.round(seconds), "points_per_s": Int(Double(points.latitudes.count) / seconds),
            "fence_load_s": Stopwatch.round(loadSeconds), "index_build_s": Stopwatch.round(buildSeconds),
            "index_bytes": index.memoryFootprint,
            "total_matches": tally.totalMatches, "circle_matches": tally.circleMatches,
            "polygon_matches": tally.totalMatches - tally.circleMatches, "points_with_match": tally.pointsWithMatch,
            "pair_checksum": tally.checksum,
        ])

        let phones = try workload.phones()
        var distances: [Double] = []
        var separationSeconds = Double.infinity
        for _ in 0..<self.repeats {
            let seconds: Double
            (distances, seconds) = Stopwatch.time {
                Separation.distances(
                    deviceLatitudes: points.latitudes,
                    deviceLongitudes: points.longitudes,
                    phoneLatitudes: phones.latitudes,
                    phoneLongitudes: phones.longitudes
                )
            }
            separationSeconds = min(separationSeconds, seconds)
        }
        try JSONLine.print([
            "bench": "haversine", "pairs": distances.count, "seconds": Stopwatch.round(separationSeconds),
            "pairs_per_s": Int(Double(distances.count) / separationSeconds),
            "sum_m": (distances.reduce(0, +) * 10).rounded() / 10, "over_100m": distances.count { $0 > 100 },
        ])
    }
}

/// What a containment run found: the reference harness's correctness figures.
struct ContainmentTally: Sendable {
    var totalMatches = 0
    var circleMatches = 0
    var pointsWithMatch = 0
    /// Σ (point_idx · 1 000 003 + fence_id) in wrapping UInt64 arithmetic.
    var checksum: UInt64 = 0

    mutating func merge(_ other: ContainmentTally) {
        self.totalMatches += other.totalMatches
        self.circleMatches += other.circleMatches
        self.pointsWithMatch += other.pointsWithMatch
        self.checksum &+= other.checksum
    }

    static func run(
        index: FenceIndex,
        latitudes: [Double],
        longitudes: [Double],
        circles: [Bool],
        threads: Int
    ) -> ContainmentTally {
        let count = latitudes.count
        let chunk = (count + threads - 1) / threads
        let results = Mutex(ContainmentTally())
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            let range = (part * chunk)..<min(count, (part + 1) * chunk)
            guard !range.isEmpty else { return }
            let tally = Self.tally(
                index: index,
                latitudes: latitudes,
                longitudes: longitudes,
                circles: circles,
                range: range
            )
            results.withLock { $0.merge(tally) }
        }
        return results.withLock { $0 }
    }

    /// Containment of the points in `range`.
    static func tally(
        index: FenceIndex,
        latitudes: [Double],
        longitudes: [Double],
        circles: [Bool],
        range: Range<Int>
    ) -> ContainmentTally {
        var tally = ContainmentTally()
        var lastPoint = -1
        latitudes.withUnsafeBufferPointer { latitudes in
            longitudes.withUnsafeBufferPointer { longitudes in
                circles.withUnsafeBufferPointer { circles in
                    index.forEachContainment(
                        latitudes: UnsafeBufferPointer(rebasing: latitudes[range]),
                        longitudes: UnsafeBufferPointer(rebasing: longitudes[range])
                    ) { localPoint, fence in
                        let point = range.lowerBound + localPoint
                        tally.totalMatches += 1
                        if circles[fence] { tally.circleMatches += 1 }
                        if point != lastPoint {
                            tally.pointsWithMatch += 1
                            lastPoint = point
                        }
                        tally.checksum &+= UInt64(point) &* 1_000_003 &+ UInt64(fence)
                    }
                }
            }
        }
        return tally
    }
}

/// Wall-clock timing with a monotonic clock.
enum Stopwatch {
    static func time<T>(_ work: () throws -> T) rethrows -> (T, Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try work()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    static func round(_ seconds: Double) -> Double {
        (seconds * 10_000).rounded() / 10_000
    }

    /// Microseconds (a histogram's unit here) as milliseconds.
    static func milliseconds(_ microseconds: UInt64) -> Double {
        Double(microseconds) / 1_000
    }
}

/// One compact JSON object per line on stdout.
enum JSONLine {
    static func print(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        Swift.print(String(decoding: data, as: UTF8.self))
    }
}
