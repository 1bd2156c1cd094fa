import Foundation
import Testing
import TetherTesting

/// A quick smoke of `tether-bench geo` and `ingest` on tiny hand-made workloads (CI runs no benchmarks).
@Suite("tether-bench smoke")
struct TetherBenchSmokeTests {
    @Test func geoPrintsTheReferenceKeysWithCorrectCounts() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let fences = """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","id":0,"geometry":{"type":"Point","coordinates":[0,0]},"properties":{"kind":"circle","radius_m":1000}},
            {"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.01,0],[0.01,0.01],[0,0.01],[0,0]]]},"properties":{"kind":"polygon"}}
            ]}
            """
        try Data(fences.utf8).write(to: directory.appendingPathComponent("fences.geojson"))
        let points = "device_id,ts_ms,lat,lon,accuracy_m\nd0,1,0.001,0.001,5\nd0,2,0.005,0.005,5\nd1,3,1,1,5\n"
        try Data(points.utf8).write(to: directory.appendingPathComponent("points.csv"))
        let phones = "phone_lat,phone_lon\n0.001,0.001\n0.005,0.005\n1.01,1\n"
        try Data(phones.utf8).write(to: directory.appendingPathComponent("phones.csv"))

        let result = try await CommandRunner("tether-bench").run(["geo", "--workload", directory.path, "--repeat", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.count == 2)
        let contains = try #require(lines.first { $0["bench"] as? String == "contains" })
        #expect(contains["total_matches"] as? Int == 4)
        #expect(contains["circle_matches"] as? Int == 2)
        #expect(contains["points_with_match"] as? Int == 2)
        // Σ (point · 1 000 003 + fence) over (0,0) (0,1) (1,0) (1,1).
        #expect((contains["pair_checksum"] as? NSNumber)?.uint64Value == 2_000_008)
        for key in ["fences", "points", "threads", "seconds", "points_per_s", "fence_load_s", "index_build_s"] {
            #expect(contains[key] != nil, "missing \(key)")
        }
        let haversine = try #require(lines.first { $0["bench"] as? String == "haversine" })
        #expect(haversine["over_100m"] as? Int == 1)
        let sum = try #require(haversine["sum_m"] as? Double)
        #expect(abs(sum - 1_111.9) < 0.1)
    }

    @Test func aBrokenFenceFileFailsNamingTheFeature() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let fences =
            #"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}]}"#
        try Data(fences.utf8).write(to: directory.appendingPathComponent("fences.geojson"))
        let result = try await CommandRunner("tether-bench").run(["geo", "--workload", directory.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("feature 0"))
        #expect(result.stderr.contains("not closed"))
    }

    @Test func ingestStoresEachDistinctEventOnceAndPrintsTheReferenceKeys() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        // Three devices, seven lines, one a byte-identical replay and one invalid (lat 95).
        let ids = (0..<6).map { _ in UUID().uuidString.lowercased() }
        let lines = [
            #"{"device_id":"d000000","event_id":"\#(ids[0])","ts":1700000000000,"kind":"sos"}"#,
            #"{"device_id":"d000001","event_id":"\#(ids[1])","ts":1700000000001,"kind":"connection","state":"connected"}"#,
            #"{"device_id":"d000000","event_id":"\#(ids[2])","ts":1700000000002,"kind":"location","lat":52.5,"lon":13.4,"accuracy_m":8.0,"source":"gnss"}"#,
            #"{"device_id":"d000002","event_id":"\#(ids[3])","ts":1700000000003,"kind":"usage","function":"find","operation":"ring","start_ms":1700000000003,"duration_ms":4000}"#,
            #"{"device_id":"d000001","event_id":"\#(ids[1])","ts":1700000000001,"kind":"connection","state":"connected"}"#,
            #"{"device_id":"d000002","event_id":"\#(ids[4])","ts":1700000000004,"kind":"properties","model":"TAG-1","battery_pct":50}"#,
            #"{"device_id":"d000002","event_id":"\#(ids[5])","ts":1700000000005,"kind":"location","lat":95,"lon":0,"accuracy_m":1,"source":"gnss"}"#,
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("events.jsonl"))

        let result = try await CommandRunner("tether-bench").run([
            "ingest", "--workload", directory.path, "--batch", "2", "--concurrency", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        )
        #expect(line["bench"] as? String == "ingest")
        #expect(line["rows_offered"] as? Int == 7)
        #expect(line["rows_stored"] as? Int == 5)
        #expect(line["duplicates"] as? Int == 1)
        #expect(line["rejected"] as? Int == 1)
        #expect(line["seconds"] != nil && line["rows_per_s"] != nil)
    }

    @Test func alertsEvaluatesEveryEventAndPrintsLatencies() async throws {
        let result = try await CommandRunner("tether-bench").run([
            "alerts", "--devices", "20", "--fences", "5", "--events", "400",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        )
        #expect(line["bench"] as? String == "alerts")
        #expect(line["events"] as? Int == 400)
        #expect(line["devices"] as? Int == 20)
        let p50 = try #require(line["p50_us"] as? Double)
        let p99 = try #require(line["p99_us"] as? Double)
        #expect(p50 > 0 && p50 <= p99)
    }
}
