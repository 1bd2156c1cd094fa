import Foundation
import Logging
import Metrics
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// Account replication at this region (`protocols/sync.md`, "Replication of account data"):
/// as a home region it mirrors its accounts' settings and backups to the replica regions its
/// `replicas` list names, and only to them; as a replica it keeps what the home regions that
/// list it send, and serves chunk boxes back to repair theirs.
///
/// The home region is the only author, so a round is a one-way mirror: walk the replica's range
/// summary, send what it lacks or holds at another version, and tell it to drop what the home
/// no longer has (a forgotten snapshot, a pruned chunk, a deleted account).
struct AccountReplicas: Sendable {
    /// Payload bytes per request, at most (a single larger record still goes alone).
    static let batchBytes = 8 << 20
    /// Records per request, at most.
    static let batchRecords = 1_000
    /// The largest request body a replica takes: a full batch in base64 JSON, or one maximal chunk.
    static let maxBatchBody = 16 << 20
    /// The largest adopt request: a moving account's rows (its telemetry history included) as
    /// base64 JSON. A larger account cannot move yet (`413`; nothing changes at either region).
    static let maxAdoptBody = 256 << 20

    let region: RegionID
    let directory: RegionDirectory
    let source: AccountReplicaSource
    let vault: AccountReplicaVault
    /// For short calls (summaries, deletions, repairs): fails fast when a replica is down.
    let peers: PeerDirectoryClient
    /// For batches of records and a moving account's rows, which take longer.
    let bulk: PeerDirectoryClient
    /// How long a target may take to take a moving account in before it refuses to finish
    /// (``ServerConfig/moveDeadline``): well under the ``bulk`` client's timeout, so when the old
    /// home gives up waiting, the target has decided, and asking it tells the outcome.
    let moveDeadline: Duration
    /// How long a move whose answer was lost asks the target before it is left in doubt
    /// (three peer timeouts).
    let outcomePatience: Duration
    let ledger = AccountReplicationLedger()

    /// The regions this region's accounts replicate to.
    var replicaRegions: [RegionDirectory.Region] {
        (self.directory.region(self.region)?.replicas ?? []).compactMap(self.directory.region)
    }

    /// The home regions whose accounts this region may hold.
    var homes: [RegionDirectory.Region] {
        self.directory.regions.filter { $0.id != self.region && $0.replicas.contains(self.region) }
    }

    /// Throws `403 residency_refused` unless `home` lists this region as a replica.
    func requireReplica(of home: RegionID) throws(TetherError) {
        guard self.directory.region(home)?.replicas.contains(self.region) == true else {
            throw .residencyRefused(home: home, replica: self.region)
        }
    }

    /// One round with `replica`: after it, the replica holds exactly this region's records.
    func reconcile(with replica: RegionDirectory.Region) async throws -> AccountReplicationLedger.Round {
        let local = try await self.source.records()
        let byKey = Dictionary(local.map { ($0.replicaKey, $0) }, uniquingKeysWith: { first, _ in first })
        let summary = RangeSummary(records: local)
        var walk = RangeReconciliation(local: summary)
        while !walk.isFinished {
            try walk.receive(try await self.peers.accountRangeSummary(home: self.region, walk.queries, at: replica))
        }
        var round = AccountReplicationLedger.Round(rootHash: summary.root.hash.hex)
        let deleteKeys = walk.keysToFetch.filter { byKey[$0] == nil }.sorted()
        let deletePrefixes = walk.prefixesToFetch.sorted()
        let toSend = walk.allKeysToSend.compactMap { byKey[$0] }

        let sent = try await self.send(
            toSend,
            deleteKeys: deleteKeys,
            deletePrefixes: deletePrefixes,
            to: replica
        )
        round.sent = sent.written
        round.deleted = sent.deleted
        round.bytes = sent.bytes
        return round
    }

    /// Sends the payloads of `records` to `replica` in batches of ``batchBytes``, the deletions
    /// with the first; for a move, every record is `moving`'s and the residency policy is waived.
    func send(
        _ records: [AccountReplicaRecord],
        deleteKeys: [String] = [],
        deletePrefixes: [String] = [],
        moving: AccountID? = nil,
        to replica: RegionDirectory.Region
    ) async throws -> (written: Int, deleted: Int, bytes: Int, sent: [AccountReplicaRecord]) {
        var total = (written: 0, deleted: 0, bytes: 0, sent: [AccountReplicaRecord]())
        var batch: [AccountReplicaPayload] = []
        var batchBytes = 0
        var deletesPending = !deleteKeys.isEmpty || !deletePrefixes.isEmpty
        func flush() async throws {
            guard !batch.isEmpty || deletesPending else { return }
            let (written, deleted) = try await self.bulk.sendAccountRecords(
                batch,
                deleteKeys: deletesPending ? deleteKeys : [],
                deletePrefixes: deletesPending ? deletePrefixes : [],
                moving: moving,
                from: self.region,
                to: replica
            )
            total.written += written
            total.deleted += deleted
            total.bytes += batchBytes
            deletesPending = false
            batch = []
            batchBytes = 0
        }
        for record in records.sorted(by: { $0.kind < $1.kind }) {
            guard let payload = try await self.source.payload(for: record, to: replica) else { continue }
            if !batch.isEmpty,
                batch.count >= Self.batchRecords || batchBytes + payload.payload.count > Self.batchBytes
            {
                try await flush()
            }
            batch.append(payload)
            batchBytes += payload.payload.count
            total.sent.append(payload.record)
        }
        try await flush()
        return total
    }

    /// Tells every replica at once that `account` was deleted here (best effort: a replica that
    /// does not answer drops it at its next round, which finds the records gone).
    func pushDeletion(of account: AccountID, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            for replica in self.replicaRegions {
                group.addTask {
                    do {
                        _ = try await self.peers.sendAccountRecords(
                            [],
                            deleteAccounts: [account],
                            from: self.region,
                            to: replica
                        )
                    } catch {
                        logger.notice(
                            "account deletion not pushed to replica; its next round drops the account",
                            metadata: ["tether.peer": "\(replica.id)", "tether.error": "\(error)"]
                        )
                    }
                }
            }
        }
    }

    /// Asks the replicas for the boxes of `ids` and repairs the home's chunks with the first
    /// copy that checks out. Returns the ids repaired.
    func repair(account: AccountID, chunks ids: [String], in backups: BackupVault, logger: Logger) async -> [String] {
        var remaining = Set(ids)
        var repaired: [String] = []
        for replica in self.replicaRegions where !remaining.isEmpty {
            do {
                let boxes = try await self.peers.accountChunkBoxes(
                    home: self.region,
                    account: account,
                    ids: remaining.sorted(),
                    at: replica
                )
                for (id, box) in boxes where remaining.contains(id) {
                    if try await backups.repairChunk(account: account, id: id, box: box) {
                        remaining.remove(id)
                        repaired.append(id)
                    }
                }
            } catch {
                logger.notice(
                    "replica could not help repair chunks",
                    metadata: ["tether.peer": "\(replica.id)", "tether.error": "\(error)"]
                )
            }
        }
        Counter(label: "tether_backup_chunks_repaired").increment(by: repaired.count)
        return repaired.sorted()
    }
}

/// What account replication did since start, per replica (for the status endpoint and metrics).
actor AccountReplicationLedger {
    /// One round's work.
    struct Round: Sendable, Hashable {
        var rootHash = ""
        var sent = 0
        var deleted = 0
        var bytes = 0
    }

    /// Totals with one replica.
    struct Totals: Sendable {
        var rounds = 0
        var sent = 0
        var deleted = 0
        var bytes = 0
        var lastRootHash: String?
        var lastError: String?
    }

    private(set) var replicas: [RegionID: Totals] = [:]

    func completed(_ round: Round, with replica: RegionID) {
        var totals = self.replicas[replica, default: Totals()]
        totals.rounds += 1
        totals.sent += round.sent
        totals.deleted += round.deleted
        totals.bytes += round.bytes
        totals.lastRootHash = round.rootHash
        totals.lastError = nil
        self.replicas[replica] = totals
        let peer = [("peer", replica.rawValue)]
        Counter(label: "tether_account_replication_rounds", dimensions: peer + [("outcome", "completed")]).increment()
        Counter(label: "tether_account_replication_records_sent", dimensions: peer).increment(by: round.sent)
        Counter(label: "tether_account_replication_records_deleted", dimensions: peer).increment(by: round.deleted)
        Counter(label: "tether_account_replication_payload_bytes", dimensions: peer).increment(by: round.bytes)
    }

    func failed(with replica: RegionID, error: any Error) {
        self.replicas[replica, default: Totals()].lastError = "\(error)"
        Counter(
            label: "tether_account_replication_rounds",
            dimensions: [("peer", replica.rawValue), ("outcome", "failed")]
        ).increment()
    }
}
