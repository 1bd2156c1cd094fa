import Benchmark
import TetherCore

/// Settings sync's merge on 10,000 fields: a replica taking in a pull of 10,000 changes (the
/// first sync of a large account), and the server's rule on 10,000 concurrent edits, each a
/// conflict that is resolved and logged. Throughput is per pass of 10,000.
func settingsMergeBenchmarks() {
    let fields = 10_000
    let server = (0..<fields).map { index in
        SettingEdit(
            key: SettingKey(
                .fence,
                record: "fen_\(index / 5)",
                field: ["name", "role", "device_id", "geojson", "created_at"][index % 5]
            ),
            state: SettingFieldState(
                value: .string("value \(index)"),
                vector: VersionVector(["server": UInt64(index + 1)]),
                stamp: HybridTimestamp(wallMillis: 1_764_640_000_000 + Int64(index), replica: "server")
            )
        )
    }
    let concurrent = server.map { edit in
        SettingFieldState(
            value: .string("other"),
            vector: VersionVector(["cli-bench": 1]),
            stamp: HybridTimestamp(wallMillis: edit.state.stamp.wallMillis + 1, replica: "cli-bench")
        )
    }

    Benchmark("Settings replica takes in a pull of 10,000 fields") { benchmark in
        for _ in benchmark.scaledIterations {
            var replica = SettingsReplica(replica: "cli-bench")
            replica.received(server, cursor: Int64(fields), serverTimeMillis: 0, sentMillis: 0, receivedMillis: 0)
            blackHole(replica.fields.count)
        }
    }

    Benchmark("Settings merge of 10,000 concurrent edits (all conflicts)") { benchmark in
        for _ in benchmark.scaledIterations {
            var conflicts = 0
            for (held, incoming) in zip(server, concurrent) {
                if case .conflict = SettingMerge.merge(incoming, into: held.state) { conflicts += 1 }
            }
            blackHole(conflicts)
        }
    }
}
