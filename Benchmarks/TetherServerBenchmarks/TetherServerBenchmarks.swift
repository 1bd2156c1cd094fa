import Benchmark
import Foundation
import HummingbirdBcrypt
import TetherCore
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// What authenticating a request costs: the token digest, the indexed credential lookup in
/// SQLite, and (for contrast) one bcrypt password hash at the default cost.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3)
    )

    Benchmark(
        "SecretToken.digest (SHA-256, hex)",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo)
    ) { benchmark in
        let token = SecretToken.generate(.deviceCredential)
        for _ in benchmark.scaledIterations {
            blackHole(token.digest)
        }
    }

    Benchmark(
        "Device credential lookup, 10k devices, SQLite WAL file",
        configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .kilo, maxDuration: .seconds(5))
    ) { benchmark, fixture in
        for index in benchmark.scaledIterations {
            let credential = fixture.credentials[index % fixture.credentials.count]
            blackHole(try? await fixture.store.device(credentialHash: SecretToken.digest(of: credential)))
        }
    } setup: {
        try await CredentialFixture.make(devices: 10_000)
    }

    Benchmark(
        "Telemetry batch decode, 500 wire events",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3))
    ) { benchmark, body in
        for _ in benchmark.scaledIterations {
            blackHole(try TelemetryBatchDecoder().decode(body))
        }
    } setup: {
        SyntheticTelemetry.body(events: 500)
    }

    Benchmark(
        "Telemetry ingest, 500-event batch: decode, validate, commit, derived state (SQLite WAL file)",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 400)
    ) { benchmark, fixture in
        for index in benchmark.scaledIterations {
            // A fresh body each time (made in setup), so every batch is stored, not a duplicate.
            let body = fixture.bodies[index % fixture.bodies.count]
            let device = fixture.devices[index % fixture.devices.count]
            blackHole(try await fixture.pipeline.ingest(body: body, device: device, clientAddress: nil))
        }
    } setup: {
        try await IngestFixture.make(devices: 100, bodies: 400)
    }

    Benchmark(
        "bcrypt hash, cost 12 (one sign-in)",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Bcrypt.hash("correct horse battery staple", cost: 12))
        }
    }

    accountSizeBenchmarks()
}

/// A SQLite store on disk with `devices` paired devices, and their credentials.
struct CredentialFixture: Sendable {
    let store: SQLiteStore
    let credentials: [String]

    static func make(devices: Int) async throws -> CredentialFixture {
        let store = try SQLiteStore.open(directory: BenchmarkDirectory.fresh())
        let fleet = try await StoreFleet.pair(serials: (0..<devices).map { "BENCH-\($0)" }, in: store)
        return CredentialFixture(store: store, credentials: fleet.credentials.shuffled())
    }
}

/// A fresh folder in the temporary directory for a benchmark's store.
enum BenchmarkDirectory {
    static func fresh() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tether-bench-\(UUID().uuidString)")
    }
}

/// A pipeline over a SQLite store on disk with paired devices.
struct IngestFixture: Sendable {
    let pipeline: TelemetryPipeline
    let devices: [DeviceID]
    let bodies: [Data]

    static func make(devices: Int, bodies: Int) async throws -> IngestFixture {
        let store = try SQLiteStore.open(directory: BenchmarkDirectory.fresh())
        let fleet = try await StoreFleet.pair(serials: (0..<devices).map { "BENCH-\($0)" }, in: store)
        let pipeline = TelemetryPipeline(ingestor: TelemetryIngestor(store: store), window: .unbounded)
        return IngestFixture(
            pipeline: pipeline,
            devices: fleet.devices.map(\.id),
            bodies: (0..<bodies).map { _ in SyntheticTelemetry.body(events: 500) }
        )
    }
}

/// Wire-shaped batches like the shared workload's: locations, usage, properties, connections.
enum SyntheticTelemetry {
    static func body(events: Int) -> Data {
        let start = Int64(Date().timeIntervalSince1970 * 1_000)
        let lines = (0..<events).map { index -> String in
            let head = "\"event_id\":\"\(UUID().uuidString.lowercased())\",\"ts\":\(start + Int64(index))"
            switch index % 6 {
            case 0, 1, 2:
                let lat = Double.random(in: -60...60)
                let lon = Double.random(in: -180...180)
                return
                    "{\(head),\"kind\":\"location\",\"lat\":\(lat),\"lon\":\(lon),\"accuracy_m\":12.0,\"source\":\"gnss\"}"
            case 3:
                return
                    "{\(head),\"kind\":\"usage\",\"function\":\"find\",\"operation\":\"ring\",\"start_ms\":\(start),\"duration_ms\":4000}"
            case 4:
                return
                    "{\(head),\"kind\":\"properties\",\"model\":\"TAG-1\",\"sw_version\":\"3.4.1\",\"battery_pct\":80}"
            default:
                return
                    "{\(head),\"kind\":\"connection\",\"state\":\"\(index % 12 == 5 ? "connected" : "disconnected")\"}"
            }
        }
        return Data("{\"events\":[\(lines.joined(separator: ","))]}".utf8)
    }
}
