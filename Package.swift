// swift-tools-version: 6.1
// 6.1 is the floor for ordo-one/benchmark's package traits; Swift 6 language mode, strict concurrency.

import PackageDescription

/// One set of settings for every target, as Hummingbird and swift-log do.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "tether",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tetherd", targets: ["tetherd"]),
        .executable(name: "tether", targets: ["tether"]),
        .executable(name: "tether-bench", targets: ["tether-bench"]),
        .executable(name: "tether-sim", targets: ["tether-sim"]),
        .library(name: "TetherCore", targets: ["TetherCore"]),
        .library(name: "TetherGeo", targets: ["TetherGeo"]),
        .library(name: "TetherAlerts", targets: ["TetherAlerts"]),
        .library(name: "TetherClient", targets: ["TetherClient"]),
        .library(name: "TetherBackupClient", targets: ["TetherBackupClient"]),
        .library(name: "TetherDomain", targets: ["TetherDomain"]),
        .library(name: "TetherStore", targets: ["TetherStore"]),
        .library(name: "TetherStoreSQLite", targets: ["TetherStoreSQLite"]),
        .library(name: "TetherStorePostgres", targets: ["TetherStorePostgres"]),
        .library(name: "TetherSync", targets: ["TetherSync"]),
        .library(name: "TetherServer", targets: ["TetherServer"]),
        .library(name: "TetherTesting", targets: ["TetherTesting"]),
        .library(name: "TetherSimulator", targets: ["TetherSimulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
    ],
    targets: [
        // MARK: Libraries

        .target(
            name: "TetherCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherGeo",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherAlerts",
            dependencies: ["TetherCore", "TetherDomain", "TetherGeo"],
            swiftSettings: swiftSettings
        ),
        // Domain rules above storage: pure, no I/O.
        .target(
            name: "TetherDomain",
            dependencies: ["TetherCore", "TetherGeo"],
            swiftSettings: swiftSettings
        ),
        // The storage seam: protocols and plain records, no database library.
        .target(
            name: "TetherStore",
            dependencies: ["TetherCore", "TetherDomain", "TetherGeo"],
            swiftSettings: swiftSettings
        ),
        // The embedded default backend: SQLite through GRDB.
        .target(
            name: "TetherStoreSQLite",
            dependencies: [
                "TetherCore",
                "TetherDomain",
                "TetherGeo",
                "TetherStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The backend for a region that outgrows one file: PostgreSQL through postgres-nio.
        .target(
            name: "TetherStorePostgres",
            dependencies: [
                "TetherCore",
                "TetherDomain",
                "TetherGeo",
                "TetherStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherSync",
            dependencies: [
                "TetherCore",
                "TetherGeo",
                "TetherStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                // Only generated code lives here; the generator writes `public import` into files
                // that declare nothing public, which Swift 6 warns about.
                .unsafeFlags(["-suppress-warnings"]),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .target(
            name: "TetherServer",
            dependencies: [
                "TetherCore",
                "TetherDomain",
                "TetherGeo",
                "TetherAlerts",
                "TetherStore",
                "TetherSync",
                "TetherAPI",
                "TetherClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherClient",
            dependencies: [
                "TetherCore",
                "TetherAPI",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // The backup client (push, restore, verify) over HTTP only: no TetherServer or TetherStore here.
        .target(
            name: "TetherBackupClient",
            dependencies: [
                "TetherCore",
                "TetherSync",
                "TetherAPI",
                "TetherClient",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TetherTesting",
            dependencies: [
                "TetherCore",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherStorePostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                "TetherSync",
                "TetherServer",
                "TetherClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The device simulator speaks HTTP only: no TetherServer or TetherStore here (its phones'
        // backups go through TetherBackupClient, the CLI's backup client).
        .target(
            name: "TetherSimulator",
            dependencies: [
                "TetherCore",
                "TetherGeo",
                "TetherAPI",
                "TetherClient",
                "TetherBackupClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "simulators/Sources/TetherSimulator",
            swiftSettings: swiftSettings
        ),

        // MARK: Executables

        .executableTarget(
            name: "tetherd",
            dependencies: [
                "TetherCore",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherStorePostgres",
                "TetherSync",
                "TetherServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tether",
            dependencies: [
                "TetherCore",
                "TetherSync",
                "TetherClient",
                "TetherAPI",
                "TetherBackupClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "tether-bench",
            dependencies: [
                "TetherAlerts",
                "TetherCore",
                "TetherGeo",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherStorePostgres",
                "TetherServer",
                "TetherAPI",
                "TetherClient",
                "TetherTesting",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "tether-sim",
            dependencies: [
                "TetherSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "simulators/Sources/tether-sim",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests

        .testTarget(
            name: "TetherCoreTests",
            dependencies: [
                "TetherCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherDomainTests",
            dependencies: [
                "TetherCore",
                "TetherDomain",
                "TetherGeo",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherSyncTests",
            dependencies: [
                "TetherCore",
                "TetherGeo",
                "TetherSync",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherGeoTests",
            dependencies: [
                "TetherCore",
                "TetherGeo",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherAlertsTests",
            dependencies: [
                "TetherAlerts",
                "TetherCore",
                "TetherGeo",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherStoreTests",
            dependencies: [
                "TetherCore",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherStorePostgres",
                "TetherTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherServerTests",
            dependencies: [
                "TetherCore",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherSync",
                "TetherServer",
                "TetherClient",
                "TetherAPI",
                "TetherTesting",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherCLITests",
            dependencies: [
                "TetherCore",
                "TetherServer",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherSync",
                "TetherTesting",
                "TetherClient",
                "TetherAPI",
                "TetherBackupClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TetherSimulatorTests",
            dependencies: [
                "TetherSimulator",
                "TetherCore",
                "TetherGeo",
                "TetherTesting",
            ],
            path: "simulators/Tests/TetherSimulatorTests",
            swiftSettings: swiftSettings
        ),
    ]
)

// MARK: Benchmarks (ordo-one/benchmark), built only when asked for, as Hummingbird does, so CI's
// build stays lean: TETHER_BENCHMARKS=1 swift package benchmark (see scripts/bench.sh).

if Context.environment["TETHER_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "TetherServerBenchmarks",
            dependencies: [
                "TetherCore",
                "TetherDomain",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherServer",
                "TetherTesting",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            path: "Benchmarks/TetherServerBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "TetherAlertsBenchmarks",
            dependencies: [
                "TetherAlerts",
                "TetherCore",
                "TetherGeo",
                "TetherServer",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherTesting",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/TetherAlertsBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "TetherSyncBenchmarks",
            dependencies: [
                "TetherCore",
                "TetherSync",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/TetherSyncBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "TetherReplicationBenchmarks",
            dependencies: [
                "TetherCore",
                "TetherStore",
                "TetherStoreSQLite",
                "TetherSync",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TetherReplicationBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "TetherGeoBenchmarks",
            dependencies: [
                "TetherCore",
                "TetherGeo",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TetherGeoBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}

// MARK: Fuzz targets (libFuzzer), built only when asked for, like the benchmarks:
// TETHER_FUZZ=1 with libFuzzer and AddressSanitizer (scripts/fuzz.sh has the flags).

if Context.environment["TETHER_FUZZ"] != nil {
    // The OpenAPI generator's tool cannot link beside libFuzzer's `main`, and no fuzz target
    // needs the generated code: a fuzz build leaves the plugin (and its inputs) out.
    for target in package.targets where target.name == "TetherAPI" {
        target.plugins = []
        target.exclude += ["openapi.yaml", "openapi-generator-config.yaml"]
    }
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("TetherFuzzTelemetryBatch", ["TetherCore"]),
        ("TetherFuzzGeoJSON", ["TetherGeo", "TetherDomain"]),
        ("TetherFuzzBackupPack", ["TetherSync"]),
    ]
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: target.name,
                dependencies: target.dependencies,
                path: "Fuzz/\(target.name)",
                swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
            )
        )
    }
}
