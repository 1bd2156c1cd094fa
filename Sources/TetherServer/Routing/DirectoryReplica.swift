import Foundation
import Metrics
import TetherCore
import TetherStore
import TetherSync

/// This region's replica of the account directory as replication sees it: the range summary
/// (cached until the replica changes), the tombstone cutoff, and what replication exchanged
/// since start, for `GET /v1/directory/replication/status` and the metrics.
actor DirectoryReplica {
    /// The replicated stream's name in the checkpoint table.
    static let stream = "directory"
    /// How long a cached summary serves at most (tombstones expire without a change).
    static let summaryLifetime: TimeInterval = 60

    /// What one reconciliation round with a peer exchanged.
    struct RoundReport: Sendable, Hashable {
        /// Changes after the checkpoint pushed to the peer.
        var pushed = 0
        /// Records fetched after the summary walk.
        var fetched = 0
        /// Records sent after the summary walk.
        var sent = 0
        /// Fetched records that changed this replica.
        var applied = 0
        /// Summary nodes the peer answered with.
        var nodes = 0
        /// Entries listed in them.
        var entries = 0
        /// Summary requests.
        var queries = 0

        /// Whether the round moved any record (pushed, fetched or sent one).
        var movedRecords: Bool {
            self.pushed + self.fetched + self.sent > 0
        }

        /// Adds `other`'s counts to these.
        mutating func add(_ other: RoundReport) {
            self.pushed += other.pushed
            self.fetched += other.fetched
            self.sent += other.sent
            self.applied += other.applied
            self.nodes += other.nodes
            self.entries += other.entries
            self.queries += other.queries
        }
    }

    /// Totals since start, and the last round, the sum of rounds and the last error per peer.
    struct Counters: Sendable {
        var rounds = 0
        var recordsSent = 0
        var recordsReceived = 0
        var recordsApplied = 0
        var lastRounds: [RegionID: RoundReport] = [:]
        /// Every completed round with each peer, summed.
        var totals: [RegionID: RoundReport] = [:]
        var lastErrors: [RegionID: String] = [:]
    }

    /// The checkpoint stream that records when this region last ran replication; a restart
    /// tells from it how long the region was down.
    static let heartbeat = "directory-alive"

    let region: RegionID
    let store: any DirectoryStore
    let retention: Duration
    let clock: @Sendable () -> Date
    private(set) var counters = Counters()
    private var cached: (seq: Int64, builtAt: Date, summary: RangeSummary)?
    /// Read once, before the first heartbeat of this process.
    private var staleness: Date??

    /// The regions file: the keys a record's home signs with.
    let directory: RegionDirectory

    init(
        region: RegionID,
        directory: RegionDirectory,
        store: any DirectoryStore,
        retention: Duration,
        clock: @escaping @Sendable () -> Date
    ) {
        self.directory = directory
        self.region = region
        self.store = store
        self.retention = retention
        self.clock = clock
    }

    /// When this region last ran replication, if that was longer ago than the tombstone
    /// retention when this process started: its peers may have purged tombstones it never got,
    /// so it neither reconciles nor serves its records until it is started from an empty data
    /// directory. `nil` for a replica that is fresh (or new).
    func staleSince() async -> Date? {
        if let staleness { return staleness }
        let alive = try? await self.store.replicationCheckpoint(stream: Self.heartbeat, peer: self.region)
        let stale = alive.map(\.completedAt).flatMap { $0 < self.tombstoneCutoff() ? $0 : nil }
        self.staleness = .some(stale)
        return stale
    }

    /// Records that replication runs now (unless the replica is stale, which it stays).
    func beat() async {
        guard await self.staleSince() == nil else { return }
        try? await self.store.saveReplicationCheckpoint(
            ReplicationCheckpoint(
                stream: Self.heartbeat,
                peer: self.region,
                pushedSeq: 0,
                rootHash: "",
                completedAt: self.clock()
            )
        )
    }

    /// Tombstones authored before this are past their retention: left out of summaries and
    /// ignored when received.
    nonisolated func tombstoneCutoff() -> Date {
        self.clock().addingTimeInterval(-self.retention.timeInterval)
    }

    /// The range summary of every record (expired tombstones left out).
    func summary() async throws -> RangeSummary {
        let seq = try await self.store.directoryChangeSequence()
        let now = self.clock()
        if let cached, cached.seq == seq, now.timeIntervalSince(cached.builtAt) < Self.summaryLifetime {
            return cached.summary
        }
        let records = try await self.store.directoryRecords(prefixes: [""], tombstoneCutoff: self.tombstoneCutoff())
        let summary = RangeSummary(records: records)
        self.cached = (seq, now, summary)
        return summary
    }

    /// What ``apply(_:from:forgeries:)`` does with a record its home did not sign.
    enum Forgeries {
        /// Refuse the whole batch (`422 replica_invalid` naming the record): what a peer pushed.
        case refuse
        /// Leave it out: what this region fetched.
        case drop
    }

    /// Applies records that `peer` sent or this region fetched from it, checking each one's
    /// signature by its home once (``DirectoryRecordSignature``).
    /// - Returns: how many changed this replica.
    /// - Throws: `422 replica_invalid` naming `records[i]` for a record its home did not sign,
    ///   when `forgeries` is ``Forgeries/refuse``; nothing is applied.
    func apply(_ records: [DirectoryRecord], from peer: RegionID, forgeries: Forgeries = .drop) async throws -> Int {
        var authentic: [DirectoryRecord] = []
        authentic.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            if DirectoryRecordSignature.isAuthentic(record, in: self.directory) {
                authentic.append(record)
            } else if forgeries == .refuse {
                throw TetherError.replicaInvalid(
                    field: "records[\(index)]",
                    "The record is not signed by a key the regions file lists for its home, \(record.region)."
                )
            }
        }
        if authentic.count < records.count {
            Counter(label: "tether_directory_records_refused", dimensions: [("peer", peer.rawValue)])
                .increment(by: records.count - authentic.count)
        }
        let changed = try await self.store.applyDirectoryRecords(
            authentic,
            from: peer,
            tombstoneCutoff: self.tombstoneCutoff()
        )
        self.counters.recordsReceived += records.count
        self.counters.recordsApplied += changed.count
        Counter(label: "tether_directory_records_received", dimensions: [("peer", peer.rawValue)])
            .increment(by: records.count)
        Counter(label: "tether_directory_records_applied", dimensions: [("peer", peer.rawValue)])
            .increment(by: changed.count)
        return changed.count
    }

    /// Counts records sent to `peer`.
    func sent(_ count: Int, to peer: RegionID) {
        self.counters.recordsSent += count
        Counter(label: "tether_directory_records_sent", dimensions: [("peer", peer.rawValue)]).increment(by: count)
    }

    /// Records a completed round with `peer`.
    func completed(_ report: RoundReport, with peer: RegionID, duration: Duration) {
        self.counters.rounds += 1
        self.counters.lastRounds[peer] = report
        self.counters.totals[peer, default: RoundReport()].add(report)
        self.counters.lastErrors[peer] = nil
        Counter(label: "tether_directory_rounds", dimensions: [("peer", peer.rawValue), ("outcome", "completed")])
            .increment()
        Metrics.Timer(label: "tether_directory_round_duration", dimensions: [("peer", peer.rawValue)])
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Records a round with `peer` that failed.
    func failed(with peer: RegionID, error: any Error) {
        self.counters.lastErrors[peer] = "\(error)"
        Counter(label: "tether_directory_rounds", dimensions: [("peer", peer.rawValue), ("outcome", "failed")])
            .increment()
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    fileprivate var nanoseconds: Int64 {
        self.components.seconds * 1_000_000_000 + self.components.attoseconds / 1_000_000_000
    }
}
