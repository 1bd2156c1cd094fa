import Benchmark
import Foundation
import Synchronization
import TetherCore
import TetherDomain
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// What one account's everyday work costs as the account grows: pairing a device (a code, then
/// its claim) and pushing one settings edit, in accounts of 100, 1,000 and 10,000 devices. Each
/// iteration makes the store calls the HTTP route makes; the figures should not grow with the
/// account (issue 18: within 2× from 100 to 10,000).
func accountSizeBenchmarks() {
    for devices in [100, 1_000, 10_000] {
        Benchmark(
            "Pair + claim one device, account of \(devices) devices (SQLite WAL file)",
            configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 500)
        ) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.pairAndClaim(fixture.next()))
            }
        } setup: {
            try await AccountFixture.make(devices: devices)
        }

        Benchmark(
            "Settings edit (one synced field), account of \(devices) devices (SQLite WAL file)",
            configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5), maxIterations: 500)
        ) { benchmark, fixture in
            for _ in benchmark.scaledIterations {
                blackHole(try await fixture.editSetting(fixture.next()))
            }
        } setup: {
            try await AccountFixture.make(devices: devices)
        }
    }
}

/// One account on a SQLite file with `devices` paired devices, every one of them versioned for
/// settings sync as pairing leaves it.
struct AccountFixture: Sendable {
    let store: SQLiteStore
    let fleet: StoreFleet
    /// Where the measured work starts: after the fleet's codes have left the pairing window.
    let start: Date
    let run = UUID().uuidString.prefix(8)
    /// The settings cursor of a client that is up to date.
    let cursor: Counter
    /// Numbers the measured operations across runs (the harness runs the body more than once),
    /// so every code, serial, stamp and version is new.
    let operations = Counter(0)

    final class Counter: Sendable {
        let value: Mutex<Int64>

        init(_ value: Int64) {
            self.value = Mutex(value)
        }
    }

    /// The next operation's number.
    func next() -> Int {
        Int(
            self.operations.value.withLock { value in
                defer { value += 1 }
                return value
            }
        )
    }

    static func make(devices: Int) async throws -> AccountFixture {
        let store = try SQLiteStore.open(directory: BenchmarkDirectory.fresh())
        let paired = Date().addingTimeInterval(-2 * 3_600)
        let fleet = try await StoreFleet.pair(
            serials: (0..<devices).map { "BENCH-\($0)" },
            in: store,
            now: paired
        )
        var cursor: Int64 = 0
        while let last = try await store.settingChanges(account: fleet.account, after: cursor, limit: 1_000).last {
            cursor = last.sequence
        }
        return AccountFixture(store: store, fleet: fleet, start: Date(), cursor: Counter(cursor))
    }

    /// `POST /v1/pairing/codes` then `POST /v1/devices/claim`: the rate-limited code, the
    /// lookup of the code, the claim (an hour apart, so the limit of 10 an hour always has room).
    func pairAndClaim(_ index: Int) async throws -> Device {
        let now = self.start.addingTimeInterval(Double(index) * 3_600)
        let code = PairingCode.random()
        let request = PairingRequest(
            id: .random(),
            account: self.fleet.account,
            codeHash: SecretToken.digest(of: code.normalised),
            createdAt: now,
            expiresAt: now.addingTimeInterval(600)
        )
        let limit = SlidingWindowLimit(limit: 10, window: .seconds(3_600))
        guard try await self.store.createPairingRequest(request, limit: limit) else { throw TetherError.internalError }
        guard try await self.store.pairingRequest(codeHash: request.codeHash) != nil else {
            throw TetherError.internalError
        }
        return try await self.store.claimPairingCode(
            codeHash: request.codeHash,
            claim: try DeviceClaim(serial: "NEW-\(self.run)-\(index)", model: "TAG-1", kind: .tracker),
            credentialHash: SecretToken.generate(.deviceCredential).digest,
            now: now
        )
    }

    /// `POST /v1/settings/sync` with one edit (a device renamed) from a client that is up to
    /// date: the device the edit names, the checks, the merge, the pull of what changed.
    func editSetting(_ index: Int) async throws -> [SettingChange] {
        let device = self.fleet.devices[index % self.fleet.devices.count]
        let now = self.start.addingTimeInterval(Double(index))
        let edit = SettingEdit(
            key: SettingKey(.device, record: device.id.rawValue, field: "name"),
            state: SettingFieldState(
                value: .string("Tag \(index)"),
                vector: VersionVector(["bench": UInt64(index + 1)]),
                stamp: HybridTimestamp(wallMillis: now.milliseconds, replica: "bench")
            )
        )
        guard let named = try await self.store.device(id: device.id, account: self.fleet.account) else {
            throw TetherError.internalError
        }
        let validator = SettingEditValidator(devices: [named], nowMillis: now.milliseconds)
        try validator.validate(edit, index: 0, replica: "bench")
        _ = try await self.store.mergeSettingEdits(
            account: self.fleet.account,
            [edit],
            now: now,
            caps: AlertSettingsRules.caps
        )
        let changes = try await self.store.settingChanges(
            account: self.fleet.account,
            after: self.cursor.value.withLock { $0 },
            limit: 1_000
        )
        if let last = changes.last { self.cursor.value.withLock { $0 = last.sequence } }
        return changes
    }
}
