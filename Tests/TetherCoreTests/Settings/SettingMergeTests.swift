import PropertyBased
import Testing
import TetherCore

struct SettingMergeTests {
    static func edit(
        _ value: String,
        _ vector: [String: UInt64],
        at millis: Int64,
        by replica: String
    )
        -> SettingFieldState
    {
        SettingFieldState(
            value: .string(value),
            vector: VersionVector(vector),
            stamp: HybridTimestamp(wallMillis: millis, replica: replica)
        )
    }

    @Test func anEditThatSawTheHeldValueReplacesIt() {
        let held = Self.edit("Keys", ["a": 1], at: 1_000, by: "a")
        let next = Self.edit("House keys", ["a": 1, "b": 2], at: 900, by: "b")
        // Older wall clock, but it had seen the held value: causality decides, not the clock.
        #expect(SettingMerge.merge(next, into: held) == .applied(next))
    }

    @Test func aResentOrOlderEditChangesNothing() {
        let held = Self.edit("House keys", ["a": 1, "b": 2], at: 2_000, by: "b")
        #expect(SettingMerge.merge(held, into: held) == .unchanged)
        #expect(SettingMerge.merge(Self.edit("Keys", ["a": 1], at: 9_000, by: "a"), into: held) == .unchanged)
    }

    @Test func concurrentEditsKeepTheLaterStampAndLogTheOther() throws {
        let mine = Self.edit("Bag", ["a": 3], at: 5_000, by: "a")
        let theirs = Self.edit("Backpack", ["b": 7], at: 6_000, by: "b")
        guard case .conflict(let result, let losing) = SettingMerge.merge(mine, into: theirs) else {
            Issue.record("concurrent edits were not a conflict")
            return
        }
        #expect(result.value == .string("Backpack"))
        #expect(losing == mine)
        #expect(result.vector == VersionVector(["a": 3, "b": 7]))
        // Arriving the other way round gives the same field.
        #expect(SettingMerge.merge(theirs, into: mine).newState == result)
    }

    @Test func anEditMadeWithoutSeeingADeletionIsLoggedAndDoesNotReviveTheRecord() {
        let name = Self.edit("Gym", ["a": 1], at: 1_000, by: "a")
        let deletion = SettingFieldState(
            value: .bool(true),
            vector: VersionVector(["a": 1, "b": 4]),
            stamp: HybridTimestamp(wallMillis: 2_000, replica: "b")
        )
        let held = ["name": name, SettingKey.deletedField: deletion]
        let stale = SettingRecordMerge.merge(
            ["name": Self.edit("Old", ["a": 1], at: 500, by: "a")],
            into: held,
            collection: .fence,
            record: "fen_1"
        )
        #expect(stale.changed.isEmpty && stale.conflicts.isEmpty)

        let unseen = Self.edit("Gym (new)", ["a": 5], at: 3_000, by: "a")
        let outcome = SettingRecordMerge.merge(["name": unseen], into: held, collection: .fence, record: "fen_1")
        #expect(outcome.changed.isEmpty)
        #expect(outcome.conflicts.map(\.reason) == [.recordDeleted])
        #expect(outcome.conflicts.first?.losing == unseen)
    }

    @Test func aClockReadsLaterThanEverythingItSawEvenWhenItsWallClockLags() {
        var clock = HybridClock(replica: "slow")
        clock.observe(HybridTimestamp(wallMillis: 10_000, counter: 3, replica: "fast"))
        let stamp = clock.tick(nowMillis: 4_000)
        #expect(stamp > HybridTimestamp(wallMillis: 10_000, counter: 3, replica: "fast"))
        #expect(clock.tick(nowMillis: 4_001) > stamp)
        #expect(clock.tick(nowMillis: 20_000) == HybridTimestamp(wallMillis: 20_000, replica: "slow"))
    }

    /// Three replicas edit one field, sometimes seeing each other's edits, with wall clocks
    /// skewed by up to an hour; the server takes the edits in any order.
    @Test func mergingIsOrderIndependentAndKeepsTheLatestStamp() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            let edits = Self.randomHistory(seed: UInt64(seed))
            var generator = SplitMix64(seed: UInt64(seed) ^ 0x5eed)
            let shuffled = edits.shuffled(using: &generator)
            let forward = Self.fold(edits)
            let backward = Self.fold(shuffled)
            #expect(forward.state == backward.state)
            #expect(forward.state?.stamp == edits.map(\.stamp).max())
            // Nothing lost silently: every value is the result, was seen by a later edit, or was logged.
            for edit in edits where edit.stamp != forward.state?.stamp {
                let superseded = edits.contains { $0.vector.compare(edit.vector) == .after }
                // A logged loser may carry the merged history of an earlier conflict it won.
                let logged = forward.losers.contains { $0.value == edit.value && $0.stamp == edit.stamp }
                #expect(superseded || logged, "\(edit) vanished from \(edits)")
            }
        }
    }

    static func fold(_ edits: [SettingFieldState]) -> (state: SettingFieldState?, losers: [SettingFieldState]) {
        var state: SettingFieldState?
        var losers: [SettingFieldState] = []
        for edit in edits {
            let outcome = SettingMerge.merge(edit, into: state)
            if case .conflict(_, let losing) = outcome { losers.append(losing) }
            state = outcome.newState ?? state
        }
        return (state, losers)
    }

    static func randomHistory(seed: UInt64) -> [SettingFieldState] {
        var generator = SplitMix64(seed: seed)
        let replicas = ["a", "b", "c"]
        var clocks = replicas.map { HybridClock(replica: $0) }
        var counters = [UInt64](repeating: 0, count: replicas.count)
        let skews: [Int64] = [0, 3_600_000, -3_600_000]
        var held = [SettingFieldState?](repeating: nil, count: replicas.count)
        var edits: [SettingFieldState] = []
        var now: Int64 = 1_000_000
        for step in 0..<12 {
            now += Int64(generator.next() % 5_000)
            let who = Int(generator.next() % 3)
            if generator.next() % 3 == 0, let seen = edits.randomElement(using: &generator) {
                // This replica learns of someone's edit (a sync).
                held[who] = SettingMerge.merge(seen, into: held[who]).newState ?? held[who]
                clocks[who].observe(seen.stamp)
                continue
            }
            counters[who] += 1
            let edit = SettingFieldState(
                value: .string("v\(step)"),
                vector: (held[who]?.vector ?? VersionVector()).advanced(for: replicas[who], to: counters[who]),
                stamp: clocks[who].tick(nowMillis: now + skews[who])
            )
            held[who] = edit
            edits.append(edit)
        }
        return edits
    }
}
