import Foundation
import Logging
import Synchronization
import TetherCore
import TetherStore
import TetherSync

/// Anti-entropy for the account directory (the `directory-replication` job): every ``interval`` this region reconciles its
/// directory records with every peer, so a peer that missed a push (down, unreachable) catches
/// up, and a region that was down catches up with everyone.
///
/// A round with one peer:
/// 1. pushes this region's changes after the peer's checkpoint (``ReplicationCheckpoint``),
///    leaving out records that came from that peer;
/// 2. walks the peer's range summary top-down (``RangeReconciliation``), one request per level;
/// 3. fetches the records that differ and applies the newer ones, then sends those of its own
///    that are newer than the peer's;
/// 4. saves the checkpoint: the change sequence the round started at, and the summary root.
///
/// Apply is idempotent and changes a replica only for a newer version, and a relayed record
/// keeps its author's version, so records never loop. A server without peers skips it.
struct DirectoryReplication: Sendable {
    let routing: RegionRouting
    let store: any DirectoryStore
    let interval: Duration
    let logger: Logger
    /// Records per request.
    var pageSize = 1_000

    /// The `directory-replication` job: a round with every peer every ``interval``; `nil` for a
    /// server without peers.
    ///
    /// Down longer than the tombstone retention, this replica may hold records whose tombstones
    /// every peer has purged since: it must not reconcile (it could bring deleted accounts back)
    /// until it is started from an empty data directory. That is judged once, before the first
    /// round marks this replica alive.
    func job(clock: any Clock<Duration>) -> PeriodicJob? {
        let peers = self.routing.directory.peers(of: self.routing.region)
        guard self.routing.keepsDirectory, !peers.isEmpty else { return nil }
        let staleSince = Mutex<Date?>(nil)
        return PeriodicJob(
            name: BackgroundJobs.Name.directoryReplication.rawValue,
            schedule: .atStartThenEvery(self.interval),
            clock: clock,
            logger: self.logger,
            setUp: {
                let stale = await self.routing.replica.staleSince()
                staleSince.withLock { $0 = stale }
            },
            pass: {
                await self.routing.replica.beat()
                await self.purgeTombstones()
                let stale = staleSince.withLock { $0 }
                for peer in peers {
                    await self.reconcileReportingErrors(with: peer, staleSince: stale)
                }
            }
        )
    }

    private func reconcileReportingErrors(with peer: RegionDirectory.Region, staleSince: Date?) async {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            if let staleSince { throw StaleDirectoryReplica(lastAlive: staleSince) }
            let report = try await self.reconcile(with: peer)
            await self.routing.replica.completed(report, with: peer.id, duration: clock.now - start)
            if report.movedRecords {
                self.logger.info(
                    "account directory reconciled",
                    metadata: [
                        "tether.peer": "\(peer.id)", "tether.pushed": "\(report.pushed)",
                        "tether.fetched": "\(report.fetched)", "tether.applied": "\(report.applied)",
                        "tether.sent": "\(report.sent)", "tether.nodes": "\(report.nodes)",
                    ]
                )
            }
        } catch is CancellationError {
            return
        } catch let stale as StaleDirectoryReplica {
            await self.routing.replica.failed(with: peer.id, error: stale)
            self.logger.error(
                "account directory too stale to reconcile; start this region from an empty data directory",
                metadata: ["tether.peer": "\(peer.id)", "tether.error": "\(stale)"]
            )
        } catch {
            await self.routing.replica.failed(with: peer.id, error: error)
            self.logger.notice(
                "account directory reconciliation failed",
                metadata: ["tether.peer": "\(peer.id)", "tether.error": "\(error)"]
            )
        }
    }

    /// One round with `peer`.
    func reconcile(with peer: RegionDirectory.Region) async throws -> DirectoryReplica.RoundReport {
        let replica = self.routing.replica
        let peers = self.routing.peers
        let region = self.routing.region
        var report = DirectoryReplica.RoundReport()
        let checkpoint = try await self.store.replicationCheckpoint(stream: DirectoryReplica.stream, peer: peer.id)
        let startSeq = try await self.store.directoryChangeSequence()

        // 1. What changed here since the checkpoint. (Without one, the walk finds everything.)
        if var cursor = checkpoint?.pushedSeq, cursor < startSeq {
            while true {
                let page = try await self.store.directoryRecords(
                    changedAfter: cursor,
                    notFrom: peer.id,
                    limit: self.pageSize
                )
                guard let last = page.last else { break }
                // Served on only as their homes signed them.
                let authentic = page.map(\.record).filter {
                    DirectoryRecordSignature.isAuthentic($0, in: self.routing.directory)
                }
                try await peers.send(authentic, from: region, to: peer)
                await replica.sent(page.count, to: peer.id)
                report.pushed += page.count
                cursor = last.seq
            }
        }

        // 2. The summary walk.
        let summary = try await replica.summary()
        var walk = RangeReconciliation(local: summary)
        while !walk.isFinished {
            try walk.receive(try await peers.rangeSummary(walk.queries, at: peer))
            report.queries += 1
        }
        report.nodes = walk.nodesReceived
        report.entries = walk.entriesReceived

        // 3. Fetch what differs, apply what is newer.
        var fetched: [String: DirectoryRecord] = [:]
        let keys = walk.keysToFetch.sorted()
        let prefixes = walk.prefixesToFetch.sorted()
        for start in stride(from: 0, to: keys.count, by: self.pageSize) {
            let page = Array(keys[start..<min(start + self.pageSize, keys.count)])
            let records = try await peers.fetch(emailHashes: page, prefixes: [], at: peer).records
            report.fetched += records.count
            report.applied += try await replica.apply(records, from: peer.id)
            for record in records { fetched[record.emailHash] = record }
        }
        // Whole ranges, a page at a time (a replica that starts empty fetches everything so).
        var after: String?
        var more = !prefixes.isEmpty
        while more {
            let page = try await peers.fetch(
                emailHashes: [],
                prefixes: prefixes,
                after: after,
                limit: self.pageSize,
                at: peer
            )
            report.fetched += page.records.count
            report.applied += try await replica.apply(page.records, from: peer.id)
            for record in page.records { fetched[record.emailHash] = record }
            guard let last = page.records.last?.emailHash, page.more else { break }
            after = last
            more = page.more
        }

        // 4. Send ours where they are newer than the peer's.
        let cutoff = DirectoryVersion(wallClock: replica.tombstoneCutoff())
        let ours = try await self.store.directoryRecords(emailHashes: walk.allKeysToSend).filter { record in
            guard record.state == .confirmed || record.version >= cutoff else { return false }
            guard let theirs = fetched[record.emailHash] else { return true }
            return record.supersedes(theirs)
        }
        for start in stride(from: 0, to: ours.count, by: self.pageSize) {
            let page = Array(ours[start..<min(start + self.pageSize, ours.count)])
            try await peers.send(page, from: region, to: peer)
            await replica.sent(page.count, to: peer.id)
            report.sent += page.count
        }

        try await self.store.saveReplicationCheckpoint(
            ReplicationCheckpoint(
                stream: DirectoryReplica.stream,
                peer: peer.id,
                pushedSeq: max(startSeq, checkpoint?.pushedSeq ?? 0),
                rootHash: summary.root.hash.hex,
                completedAt: self.routing.clock()
            )
        )
        return report
    }

    private func purgeTombstones() async {
        do {
            let purged = try await self.store.purgeDirectoryTombstones(
                authoredBefore: self.routing.replica.tombstoneCutoff()
            )
            if purged > 0 {
                self.logger.info("directory tombstones past retention purged", metadata: ["tether.purged": "\(purged)"])
            }
        } catch {
            self.logger.error("directory tombstone purge failed", metadata: ["tether.error": "\(error)"])
        }
    }
}

/// This region last ran replication longer ago than the tombstone retention: its peers may
/// have purged tombstones it never received, so reconciling could bring deleted accounts back.
/// Its rounds stop until it is started from an empty data directory (it then copies the
/// directory afresh).
struct StaleDirectoryReplica: Error, CustomStringConvertible {
    let lastAlive: Date

    var description: String {
        "this region last replicated at \(self.lastAlive.formatted(.iso8601)), longer ago than the tombstone "
            + "retention; restart this region from an empty data directory"
    }
}
