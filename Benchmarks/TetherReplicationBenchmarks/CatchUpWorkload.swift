import Foundation
import TetherCore
import TetherStore
import TetherSync

/// Two directory replicas: `fresh` (the peer, up to date) and `stale` (missed `changed` changes).
struct CatchUpWorkload: Sendable {
    let stale: [String: DirectoryRecord]
    let fresh: [String: DirectoryRecord]
    let freshSummary: RangeSummary
    let staleSummary: RangeSummary

    init(entries: Int, changed: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let regions = ["eu-west", "eu-central", "us"].map { RegionID(rawValue: $0)! }
        let base = DirectoryVersion(wallClock: Date(timeIntervalSince1970: 1_800_000_000))
        var stale: [String: DirectoryRecord] = [:]
        for index in 0..<entries {
            let hash = (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined()
            stale[hash] = DirectoryRecord(
                emailHash: hash,
                region: regions[index % regions.count],
                state: .confirmed,
                version: DirectoryVersion(rawValue: base.rawValue + Int64(index))
            )
        }
        var fresh = stale
        for (offset, hash) in stale.keys.sorted().shuffled(using: &random).prefix(changed).enumerated() {
            var record = fresh[hash]!
            record.version = DirectoryVersion(rawValue: base.rawValue + Int64(entries + offset))
            if offset.isMultiple(of: 2) { record.state = .deleted } else { record.region = regions[2] }
            fresh[hash] = record
        }
        self.stale = stale
        self.fresh = fresh
        self.freshSummary = RangeSummary(records: fresh.values)
        self.staleSummary = RangeSummary(records: stale.values)
    }

    /// What a catch-up produced: the stale replica afterwards and the body bytes moved.
    struct Outcome {
        var replica: [String: DirectoryRecord]
        var bytes: Int
    }

    /// The summary walk, then a fetch of the differing records.
    func reconcile() -> Outcome {
        var wire = Wire()
        var walk = RangeReconciliation(local: self.staleSummary)
        while !walk.isFinished {
            let queries = wire.carry(WireQueries(walk.queries))
            let answers = wire.carry(WireNodes(self.freshSummary.answer(queries.decoded)))
            try! walk.receive(answers.decoded)
        }
        let request = wire.carry(WireFetch(hashes: walk.keysToFetch.sorted(), prefixes: walk.prefixesToFetch.sorted()))
        let records =
            request.hashes.compactMap { self.fresh[$0] }
            + request.prefixes.flatMap { prefix in self.fresh.values.filter { $0.emailHash.hasPrefix(prefix) } }
        var replica = self.stale
        Self.apply(wire.carry(WireRecords(records)).decoded, to: &replica)
        // The stale side has nothing newer: what it would send back, it filters out.
        precondition(
            walk.allKeysToSend.allSatisfy { key in
                guard let theirs = self.fresh[key], let ours = self.stale[key] else { return false }
                return !ours.supersedes(theirs)
            }
        )
        return Outcome(replica: replica, bytes: wire.bytes)
    }

    /// Every record of the peer, applied.
    func copy() -> Outcome {
        var wire = Wire()
        var replica = self.stale
        Self.apply(wire.carry(WireRecords(Array(self.fresh.values))).decoded, to: &replica)
        return Outcome(replica: replica, bytes: wire.bytes)
    }

    static func apply(_ records: [DirectoryRecord], to replica: inout [String: DirectoryRecord]) {
        for record in records where replica[record.emailHash].map(record.supersedes) ?? true {
            replica[record.emailHash] = record
        }
    }
}
