import Benchmark
import Foundation
import HummingbirdBcrypt
import TetherCore
import TetherServer
import TetherStore

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
        "bcrypt hash, cost 12 (one sign-in)",
        configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Bcrypt.hash("correct horse battery staple", cost: 12))
        }
    }
}

/// A SQLite store on disk with `devices` paired devices, and their credentials.
struct CredentialFixture: Sendable {
    let store: SQLiteStore
    let credentials: [String]

    static func make(devices: Int) async throws -> CredentialFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tether-bench-\(UUID().uuidString)"
        )
        let store = try SQLiteStore.open(directory: directory)
        let now = Date()
        let account = Account(
            id: .random(),
            email: try EmailAddress("bench@example.org"),
            homeRegion: RegionID(rawValue: "local")!,
            createdAt: now
        )
        try await store.createAccount(account, passwordHash: "unused", signup: SignupHint())
        var credentials: [String] = []
        for index in 0..<devices {
            let code = PairingCode.random()
            try await store.createPairingRequest(
                PairingRequest(
                    id: .random(),
                    account: account.id,
                    codeHash: SecretToken.digest(of: code.normalised),
                    createdAt: now,
                    expiresAt: now.addingTimeInterval(600)
                )
            )
            let credential = SecretToken.generate(.deviceCredential)
            _ = try await store.claimPairingCode(
                codeHash: SecretToken.digest(of: code.normalised),
                claim: try DeviceClaim(serial: "BENCH-\(index)", model: "TAG-1", kind: .tracker),
                credentialHash: credential.digest,
                now: now
            )
            credentials.append(credential.text)
        }
        return CredentialFixture(store: store, credentials: credentials.shuffled())
    }
}
