import Foundation
import Testing
import TetherGeo

/// Agreement with shapely on a shared workload, pair by pair. Opt-in, because the workload is
/// generated, never committed: set `TETHER_BENCH_WORKLOAD` to a folder made by
/// `../shared/bench/gen_workload.py` in which `ref_shapely.py --write-expected` has written
/// `expected_contains.csv` (see `scripts/compare-geo.sh`). Every pair on which TetherGeo and
/// shapely differ is listed; each must lie within 1 cm of a boundary (on the shared workloads
/// there are none).
@Suite(
    .enabled(
        if: ReferenceWorkload.directory != nil,
        "set TETHER_BENCH_WORKLOAD to a workload with expected_contains.csv"
    )
)
struct ReferenceAgreementTests {
    @Test func everyDifferenceFromShapelyIsWithinOneCentimetreOfABoundary() throws {
        let directory = try #require(ReferenceWorkload.directory)
        let fences = try JSONDecoder().decode(
            FenceCollection.self,
            from: Data(contentsOf: directory.appendingPathComponent("fences.geojson"))
        ).fences
        let points = try ReferenceWorkload.rows(directory.appendingPathComponent("points.csv")).map {
            coordinate(Double($0[2])!, Double($0[3])!)
        }
        let expected = Set(
            try ReferenceWorkload.rows(directory.appendingPathComponent("expected_contains.csv")).map {
                Pair(point: Int($0[0])!, fence: Int($0[1])!)
            }
        )
        let index = FenceIndex(fences: fences)
        let matches = index.matches(for: points)
        var ours = Set<Pair>()
        for point in points.indices {
            for fence in matches[point] { ours.insert(Pair(point: point, fence: Int(fence))) }
        }

        let differences = ours.symmetricDifference(expected).sorted { ($0.point, $0.fence) < ($1.point, $1.fence) }
        for pair in differences {
            let distance = fences[pair.fence].distanceToBoundary(from: points[pair.point])
            let side = ours.contains(pair) ? "only TetherGeo" : "only shapely"
            print("difference: point \(pair.point), fence \(pair.fence), \(side), \(distance) m from the boundary")
            #expect(distance <= 0.01, "point \(pair.point) / fence \(pair.fence) differs \(distance) m from a boundary")
        }
        #expect(!expected.isEmpty)
        print("TetherGeo and shapely agree on \(ours.intersection(expected).count) pairs; \(differences.count) differ")
    }

    struct Pair: Hashable {
        var point: Int
        var fence: Int
    }
}

enum ReferenceWorkload {
    /// The folder named by `TETHER_BENCH_WORKLOAD`, when it holds `expected_contains.csv`.
    static var directory: URL? {
        guard let path = ProcessInfo.processInfo.environment["TETHER_BENCH_WORKLOAD"] else { return nil }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("expected_contains.csv").path) else {
            return nil
        }
        return url
    }

    /// The data rows of a CSV file with a header, split on commas.
    static func rows(_ url: URL) throws -> [[Substring]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
    }
}
