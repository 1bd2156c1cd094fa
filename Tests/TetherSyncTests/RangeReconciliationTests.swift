import Foundation
import PropertyBased
import Testing
import TetherCore
import TetherSync

/// A record kind for the tests: a key, a version and a value; the higher version wins.
struct VersionedTestRecord: ReplicaRecord, Hashable {
    var replicaKey: String
    var version: UInt64
    var value: UInt64

    var canonicalEncoding: [UInt8] {
        var bytes = Array(self.replicaKey.utf8) + [0]
        withUnsafeBytes(of: self.version.bigEndian) { bytes += $0 }
        withUnsafeBytes(of: self.value.bigEndian) { bytes += $0 }
        return bytes
    }
}

/// Two in-process replicas reconciled through the same queries and answers a peer would carry.
struct ReplicaPair {
    var left: [String: VersionedTestRecord]
    var right: [String: VersionedTestRecord]
    var leafCapacity = RangeSummary.defaultLeafCapacity

    /// What one run exchanged.
    struct Outcome {
        var fetched = 0
        var sent = 0
        var nodes = 0
        var entries = 0
        var rounds = 0
    }

    /// Runs `left`'s side against `right`, then moves the records both ways; the higher version wins.
    mutating func reconcile() throws -> Outcome {
        let remote = RangeSummary(records: self.right.values, leafCapacity: self.leafCapacity)
        var reconciliation = RangeReconciliation(
            local: RangeSummary(records: self.left.values, leafCapacity: self.leafCapacity)
        )
        while !reconciliation.isFinished {
            try reconciliation.receive(remote.answer(reconciliation.queries))
        }
        let fetchedKeys =
            reconciliation.keysToFetch.sorted()
            + reconciliation.prefixesToFetch.sorted().flatMap { remote.entries(withPrefix: $0).map(\.key) }
        let fetched = fetchedKeys.compactMap { self.right[$0] }
        let sent = reconciliation.allKeysToSend.compactMap { self.left[$0] }
        for record in fetched { Self.merge(record, into: &self.left) }
        for record in sent { Self.merge(record, into: &self.right) }
        return Outcome(
            fetched: fetched.count,
            sent: sent.count,
            nodes: reconciliation.nodesReceived,
            entries: reconciliation.entriesReceived,
            rounds: reconciliation.rounds
        )
    }

    static func merge(_ record: VersionedTestRecord, into replica: inout [String: VersionedTestRecord]) {
        guard let current = replica[record.replicaKey] else {
            replica[record.replicaKey] = record
            return
        }
        if (record.version, record.value) > (current.version, current.value) { replica[record.replicaKey] = record }
    }

    /// The number of (key, digest) pairs in one replica and not the other.
    var symmetricDifference: Int {
        let left = Set(self.left.values.map(\.replicaEntry))
        let right = Set(self.right.values.map(\.replicaEntry))
        return left.symmetricDifference(right).count
    }
}

enum TestRecords {
    static func key(_ random: inout SplitMix64) -> String {
        (0..<4).map { _ in String(format: "%016llx", random.next()) }.joined()
    }

    static func set(count: Int, random: inout SplitMix64) -> [String: VersionedTestRecord] {
        var records: [String: VersionedTestRecord] = [:]
        for _ in 0..<count {
            let key = self.key(&random)
            records[key] = VersionedTestRecord(replicaKey: key, version: 1, value: random.next())
        }
        return records
    }

    /// `changes` random edits: new records, newer versions of existing ones, removals.
    static func edit(_ records: inout [String: VersionedTestRecord], changes: Int, random: inout SplitMix64) {
        for _ in 0..<changes {
            let keys = records.keys.sorted()
            switch random.next() % 3 {
            case 0 where !keys.isEmpty:
                let key = keys[Int(random.next() % UInt64(keys.count))]
                records[key]!.version += 1 + random.next() % 3
                records[key]!.value = random.next()
            case 1 where !keys.isEmpty:
                records[keys[Int(random.next() % UInt64(keys.count))]] = nil
            default:
                let key = self.key(&random)
                records[key] = VersionedTestRecord(replicaKey: key, version: 1, value: random.next())
            }
        }
    }
}

struct RangeReconciliationTests {
    @Test func randomReplicasBecomeEqualExchangingOnlyTheirDifference() async {
        await propertyCheck(
            count: 60,
            input: Gen.uint64(),
            Gen.int(in: 0...3_000),
            Gen.int(in: 0...40),
            Gen.int(in: 0...40)
        ) { seed, size, leftChanges, rightChanges in
            var random = SplitMix64(seed: seed)
            let base = TestRecords.set(count: size, random: &random)
            var pair = ReplicaPair(left: base, right: base)
            TestRecords.edit(&pair.left, changes: leftChanges, random: &random)
            TestRecords.edit(&pair.right, changes: rightChanges, random: &random)
            let difference = pair.symmetricDifference
            let outcome = try #require(try? pair.reconcile())
            #expect(pair.left == pair.right)
            #expect(outcome.fetched + outcome.sent == difference)
            // Finding the difference costs O(d · depth) nodes and at most d leaves' entries,
            // whatever the size of the sets.
            let capacity = RangeSummary.defaultLeafCapacity
            #expect(outcome.nodes <= 1 + difference * 4)
            #expect(outcome.entries <= max(capacity, difference * (2 * capacity + 1)))
            if difference == 0 { #expect(outcome.nodes == 1 && outcome.rounds == 1) }
        }
    }

    @Test func tenThousandRecordsWithOnePercentChangedExchangeAHundred() throws {
        var random = SplitMix64(seed: 7)
        let base = TestRecords.set(count: 10_000, random: &random)
        var pair = ReplicaPair(left: base, right: base)
        for key in base.keys.sorted().prefix(100) { pair.right[key]!.version += 1 }
        let outcome = try pair.reconcile()
        #expect(pair.left == pair.right)
        // Each changed record is fetched and the stale one sent back (which the peer ignores).
        #expect(outcome.fetched == 100 && outcome.sent == 100)
        #expect(outcome.nodes < 500 && outcome.entries < 2_000)
        #expect(outcome.rounds <= 5)
    }

    @Test func anEmptyReplicaFetchesWholeRangesWithoutListingThem() throws {
        var random = SplitMix64(seed: 3)
        var pair = ReplicaPair(left: [:], right: TestRecords.set(count: 5_000, random: &random))
        let outcome = try pair.reconcile()
        #expect(pair.left == pair.right)
        #expect(outcome.fetched == 5_000 && outcome.sent == 0)
        #expect(outcome.nodes == 1 && outcome.entries == 0)
    }

    @Test func equalSetsHaveEqualRootsWhateverTheInsertionOrder() {
        var random = SplitMix64(seed: 5)
        let records = Array(TestRecords.set(count: 2_000, random: &random).values)
        let forward = RangeSummary(records: records)
        let backward = RangeSummary(records: records.reversed())
        #expect(forward.root == backward.root)
        #expect(forward.root.children?.count == 16)
        var changed = records
        changed[0].version += 1
        #expect(RangeSummary(records: changed).root.hash != forward.root.hash)
    }

    @Test func aRangeInsideALeafHashesAsTheLeafAnotherReplicaWouldHave() {
        var random = SplitMix64(seed: 9)
        let records = Array(TestRecords.set(count: 40, random: &random).values)
        // The same records, plus many whose keys start with "0": there the root is a branch and
        // every other first digit a real leaf, while in `small` they are ranges inside the root leaf.
        let padding = (0..<300).map { index in
            VersionedTestRecord(replicaKey: String(format: "0%063x", index), version: 1, value: 0)
        }
        let small = RangeSummary(records: records, leafCapacity: 64)
        let large = RangeSummary(records: records + padding, leafCapacity: 64)
        #expect(small.root.children == nil && large.root.children != nil)
        for digit in "123456789abcdef" {
            let prefix = String(digit)
            #expect(small.node(at: prefix).matches(large.node(at: prefix)))
            #expect(small.entries(withPrefix: prefix) == large.entries(withPrefix: prefix))
        }
    }

    @Test func answersThatDoNotMatchTheQueriesAreRefused() {
        var reconciliation = RangeReconciliation(local: RangeSummary(entries: []))
        #expect(throws: ReconciliationError.self) { try reconciliation.receive([]) }
    }
}
