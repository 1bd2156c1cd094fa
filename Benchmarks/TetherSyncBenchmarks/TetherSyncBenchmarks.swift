import Benchmark
import Crypto
import Foundation
import TetherCore
import TetherSync

/// The push path's CPU work on 64 MiB of random bytes: FastCDC cuts alone, HMAC-SHA-256 chunk
/// ids alone, both together (what `tether backup push` does per byte), and the server's AES-GCM
/// seal. Throughput is reported per 64 MiB pass; MB/s = 64 × 1.048576 × passes/s.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    let size = 64 << 20
    let data = randomData(size, seed: 2_016)
    let cdc = FastCDC()
    let key = AccountDataKey.random()

    Benchmark("FastCDC cut, 64 MiB") { benchmark in
        for _ in benchmark.scaledIterations {
            let lengths = data.withUnsafeBytes { cdc.chunkLengths(of: $0) }
            blackHole(lengths.count)
        }
    }

    Benchmark("HMAC-SHA-256 ids, 64 MiB in 256 KiB chunks") { benchmark in
        for _ in benchmark.scaledIterations {
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let end = min(offset + (256 << 10), raw.count)
                    blackHole(key.chunkIDs.id(of: UnsafeRawBufferPointer(rebasing: raw[offset..<end])))
                    offset = end
                }
            }
        }
    }

    Benchmark("FastCDC + HMAC ids, 64 MiB") { benchmark in
        for _ in benchmark.scaledIterations {
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                    let length = cdc.boundary(in: rest)
                    blackHole(key.chunkIDs.id(of: UnsafeRawBufferPointer(rebasing: rest[0..<length])))
                    offset += length
                }
            }
        }
    }

    settingsMergeBenchmarks()

    Benchmark("AES-GCM seal, 64 MiB in 256 KiB chunks") { benchmark in
        for _ in benchmark.scaledIterations {
            var offset = 0
            while offset < data.count {
                let end = min(offset + (256 << 10), data.count)
                blackHole(try key.seal(data[offset..<end], context: "bench"))
                offset = end
            }
        }
    }
}

func randomData(_ count: Int, seed: UInt64) -> Data {
    var generator = SplitMix64(seed: seed)
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        let words = raw.bindMemory(to: UInt64.self)
        for index in words.indices { words[index] = generator.next() }
    }
    return data
}
