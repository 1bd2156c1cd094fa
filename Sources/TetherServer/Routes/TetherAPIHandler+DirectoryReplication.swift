import Foundation
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The account directory's replication endpoints: peers walk this region's range summary, fetch
/// the records that differ and send theirs (`protocols/sync.md`).
extension TetherAPIHandler {
    /// The most queries or record keys one request may carry.
    static let maxReplicationItems = 10_000

    func getDirectoryRangeSummary(
        _ input: Operations.GetDirectoryRangeSummary.Input
    ) async throws
        -> Operations.GetDirectoryRangeSummary.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        guard body.queries.count <= Self.maxReplicationItems else {
            throw TetherError.invalidField("queries", "at most \(Self.maxReplicationItems)")
        }
        let queries = try body.queries.map { query throws(TetherError) in try RangeQuery(validating: query) }
        try await self.requireFreshReplica()
        let summary = try await self.routing.replica.summary()
        return .ok(
            .init(body: .json(.init(nodes: summary.answer(queries).map(Components.Schemas.DirectoryRangeNode.init))))
        )
    }

    func fetchDirectoryRecords(
        _ input: Operations.FetchDirectoryRecords.Input
    ) async throws
        -> Operations.FetchDirectoryRecords.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        guard body.emailHashes.count + body.prefixes.count <= Self.maxReplicationItems else {
            throw TetherError.invalidField("email_hashes", "at most \(Self.maxReplicationItems) hashes and prefixes")
        }
        let hashes = try body.emailHashes.map { try Self.hexDigest($0, field: "email_hashes") }
        try await self.requireFreshReplica()
        let prefixes = try body.prefixes.map { prefix throws(TetherError) in
            try RangeQuery(validating: .init(prefix: prefix, wantsEntries: false)).prefix
        }
        let cutoff = self.routing.replica.tombstoneCutoff()
        let expired = DirectoryVersion(wallClock: cutoff)
        var records = try await self.store.directoryRecords(emailHashes: hashes).filter {
            $0.state == .confirmed || $0.version >= expired
        }
        var more = false
        if !prefixes.isEmpty {
            let limit = min(body.limit ?? Self.maxReplicationItems, Self.maxReplicationItems)
            guard limit >= 1 else {
                throw TetherError.invalidField("limit", "must be 1 to \(Self.maxReplicationItems)")
            }
            let after = try body.after.map { after throws(TetherError) in
                try RangeQuery(validating: .init(prefix: after, wantsEntries: false)).prefix
            }
            var page = try await self.store.directoryRecords(
                prefixes: prefixes,
                tombstoneCutoff: cutoff,
                after: after,
                limit: limit + 1
            )
            more = page.count > limit
            page = Array(page.prefix(limit))
            let listed = Set(records.map(\.emailHash))
            records += page.filter { !listed.contains($0.emailHash) }
        }
        // Checked again on the way out: a record kept here is served on only as its home signed it.
        let authentic = records.filter { DirectoryRecordSignature.isAuthentic($0, in: self.routing.directory) }
        return .ok(
            .init(body: .json(.init(records: authentic.map(Components.Schemas.DirectoryRecord.init), more: more)))
        )
    }

    func applyDirectoryRecords(
        _ input: Operations.ApplyDirectoryRecords.Input
    ) async throws
        -> Operations.ApplyDirectoryRecords.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        guard let from = body.from else { throw TetherError.invalidField("from", "is required when sending records") }
        let sender = try self.knownRegion(from)
        try self.requirePeer(actingFor: sender, field: "from")
        let records = try body.records.map { try DirectoryRecord(validating: $0) }
        for record in records { _ = try self.knownRegion(record.region.rawValue) }
        // A batch holding a record its home did not sign is refused whole.
        let applied = try await self.routing.replica.apply(records, from: sender, forgeries: .refuse)
        return .ok(.init(body: .json(.init(applied: applied))))
    }

    func getDirectoryReplicationStatus(
        _ input: Operations.GetDirectoryReplicationStatus.Input
    ) async throws
        -> Operations.GetDirectoryReplicationStatus.Output
    {
        try self.requirePeer()
        let replica = self.routing.replica
        let summary = try await replica.summary()
        let counters = await replica.counters
        var peers: [Components.Schemas.DirectoryPeerStatus] = []
        for peer in self.routing.directory.peers(of: self.routing.region) {
            let checkpoint = try await self.store.replicationCheckpoint(stream: DirectoryReplica.stream, peer: peer.id)
            peers.append(
                .init(
                    peer: peer.id.rawValue,
                    pushedSeq: checkpoint?.pushedSeq,
                    rootHash: checkpoint?.rootHash,
                    completedAt: checkpoint?.completedAt,
                    lastRound: counters.lastRounds[peer.id].map(Components.Schemas.DirectoryRoundReport.init),
                    totals: counters.totals[peer.id].map(Components.Schemas.DirectoryRoundReport.init),
                    lastError: counters.lastErrors[peer.id]
                )
            )
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        region: self.routing.region.rawValue,
                        changeSeq: try await self.store.directoryChangeSequence(),
                        records: summary.count,
                        rootHash: summary.root.hash.hex,
                        rounds: counters.rounds,
                        recordsSent: counters.recordsSent,
                        recordsReceived: counters.recordsReceived,
                        recordsApplied: counters.recordsApplied,
                        bytesSent: self.routing.peers.traffic.totals.sent,
                        bytesReceived: self.routing.peers.traffic.totals.received,
                        peers: peers
                    )
                )
            )
        )
    }
}

extension TetherAPIHandler {
    /// Throws `503 replica_stale` when this region was down longer than the tombstone
    /// retention: its records must not reach peers (``DirectoryReplica/staleSince()``).
    func requireFreshReplica() async throws {
        guard let since = await self.routing.replica.staleSince() else { return }
        throw TetherError(
            code: "replica_stale",
            kind: .unavailable,
            detail: "This region last replicated at \(since.formatted(.iso8601)), longer ago than the tombstone "
                + "retention; it serves no directory records until started from an empty data directory."
        )
    }
}

extension Components.Schemas.DirectoryRoundReport {
    init(_ report: DirectoryReplica.RoundReport) {
        self.init(
            pushed: report.pushed,
            fetched: report.fetched,
            sent: report.sent,
            applied: report.applied,
            nodes: report.nodes,
            entries: report.entries,
            queries: report.queries
        )
    }
}
