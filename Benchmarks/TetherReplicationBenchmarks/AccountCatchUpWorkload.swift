import Foundation
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherSync

/// A home region's SQLite store with `accounts` accounts (each with an emergency contact, so
/// its settings record carries real rows) and a replica region's store holding a copy of them,
/// both in memory. ``change(_:)`` edits some accounts at the home; ``round()`` brings the
/// replica up to date the way `AccountReplicas` does (summary walk, then the differing
/// records), ``copy()`` by sending every record.
struct AccountCatchUpWorkload: Sendable {
    static let home = RegionID(rawValue: "eu-west")!
    /// The replica region, as the home's directory lists it (no keys: the loopback form, whose
    /// data keys travel under the shared transport key).
    static let replica = RegionDirectory.Region(
        id: RegionID(rawValue: "eu-central")!,
        url: URL(string: "http://127.0.0.1:1")!,
        group: "eu",
        area: []
    )
    let homeStore: SQLiteStore
    let replicaStore: SQLiteStore
    let source: AccountReplicaSource
    let vault: AccountReplicaVault
    let accounts: [AccountID]

    static func make(accounts count: Int) async throws -> AccountCatchUpWorkload {
        let homeStore = try SQLiteStore.inMemory()
        let replicaStore = try SQLiteStore.inMemory()
        let blobs = try FileBlobStore(
            root: FileManager.default.temporaryDirectory
                .appendingPathComponent("tether-bench-replicas-\(UUID().uuidString)")
        )
        let directoryKey = DirectoryKey.random()
        let backups = BackupVault(store: homeStore, blobs: blobs, kek: .random())
        var accounts: [AccountID] = []
        for index in 0..<count {
            let account = Account(
                id: .random(),
                email: try EmailAddress("person\(index)@example.org"),
                homeRegion: Self.home,
                createdAt: Date(timeIntervalSince1970: 1_800_000_000)
            )
            try await homeStore.createAccount(account, passwordHash: "$2b$12$benchmark", signup: SignupHint())
            try await homeStore.setEmergencyContact(
                try EmergencyContact(name: "Contact \(index)", phone: "+4930\(1_000_000 + index)"),
                account: account.id
            )
            accounts.append(account.id)
        }
        let workload = AccountCatchUpWorkload(
            homeStore: homeStore,
            replicaStore: replicaStore,
            source: AccountReplicaSource(
                store: homeStore,
                vault: backups,
                transport: DataKeyTransport(region: Self.home, keyring: nil, directoryKey: directoryKey)
            ),
            vault: AccountReplicaVault(
                region: Self.replica.id,
                store: replicaStore,
                blobs: blobs,
                kek: .random(),
                transport: DataKeyTransport(region: Self.replica.id, keyring: nil, directoryKey: directoryKey)
            ),
            accounts: accounts
        )
        _ = try await workload.copy()
        return workload
    }

    /// Edits the emergency contact of every `stride`-th account, starting at `offset`.
    func change(every stride: Int, offset: Int, generation: Int) async throws {
        for index in Swift.stride(from: offset, to: self.accounts.count, by: stride) {
            try await self.homeStore.setEmergencyContact(
                try EmergencyContact(name: "Contact \(index) v\(generation)", phone: "+4930\(2_000_000 + index)"),
                account: self.accounts[index]
            )
        }
    }

    /// What a catch-up moved: records and bytes (summary nodes as JSON, payloads in base64).
    struct Outcome {
        var records = 0
        var bytes = 0
    }

    /// The home's round: walk the replica's summary, send what differs.
    func round() async throws -> Outcome {
        var wire = Wire()
        let local = try await self.source.records()
        let byKey = Dictionary(local.map { ($0.replicaKey, $0) }, uniquingKeysWith: { first, _ in first })
        let remote = try await self.vault.summary(home: Self.home)
        var walk = RangeReconciliation(local: RangeSummary(records: local))
        while !walk.isFinished {
            let queries = wire.carry(WireQueries(walk.queries))
            try walk.receive(wire.carry(WireNodes(remote.answer(queries.decoded))).decoded)
        }
        return try await self.send(walk.allKeysToSend.compactMap { byKey[$0] }, bytes: wire.bytes)
    }

    /// Every record, sent.
    func copy() async throws -> Outcome {
        try await self.send(try await self.source.records(), bytes: 0)
    }

    private func send(_ records: [AccountReplicaRecord], bytes: Int) async throws -> Outcome {
        var outcome = Outcome(records: 0, bytes: bytes)
        var payloads: [AccountReplicaPayload] = []
        for record in records {
            guard let payload = try await self.source.payload(for: record, to: Self.replica) else { continue }
            payloads.append(payload)
            // Base64 of the payload, plus the record's key, kind, name and version in JSON.
            outcome.bytes += (payload.payload.count + 2) / 3 * 4 + 120
        }
        outcome.records = payloads.count
        _ = try await self.vault.apply(home: Self.home, payloads: payloads)
        return outcome
    }

    /// One workload for several benchmarks, made on first use (making it takes seconds).
    actor Shared {
        let count: Int
        private var made: AccountCatchUpWorkload?
        private var generation = 0

        init(accounts count: Int) {
            self.count = count
        }

        func workload() async throws -> AccountCatchUpWorkload {
            if let made { return made }
            let workload = try await AccountCatchUpWorkload.make(accounts: self.count)
            self.made = workload
            return workload
        }

        /// Edits a different 1 % of the accounts each time.
        func changeOnePercent() async throws {
            self.generation += 1
            try await self.workload().change(every: 100, offset: self.generation % 100, generation: self.generation)
        }
    }
}
