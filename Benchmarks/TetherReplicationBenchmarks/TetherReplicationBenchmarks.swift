import Benchmark
import Foundation
import TetherCore
import TetherStore
import TetherSync

/// Catch-up of a region's account directory after it missed 1 % of the changes: 10,000 entries,
/// 100 of them changed (50 accounts deleted, 50 re-registered elsewhere). Range reconciliation
/// (the summary walk, then only the differing records) beside a full copy of every record. Both
/// move the JSON the peer endpoints carry, encoded and decoded, and apply into the stale replica;
/// `bytes exchanged` counts those bodies. Both summaries are built once, as servers cache theirs
/// until their replica changes; building one is measured on its own.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, .custom("bytes exchanged", polarity: .prefersSmaller)],
        maxDuration: .seconds(10),
        maxIterations: 50
    )

    let workload = CatchUpWorkload(entries: 10_000, changed: 100, seed: 2_026)

    Benchmark("Directory catch-up, 10,000 entries, 1 % changed: range reconciliation") { benchmark in
        var bytes = 0
        for _ in benchmark.scaledIterations {
            let outcome = workload.reconcile()
            precondition(outcome.replica == workload.fresh, "reconciliation left a difference")
            bytes = outcome.bytes
        }
        benchmark.measurement(.custom("bytes exchanged", polarity: .prefersSmaller), bytes)
    }

    Benchmark("Range summary build, 10,000 directory records") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RangeSummary(records: workload.stale.values).root)
        }
    }

    Benchmark("Directory catch-up, 10,000 entries, 1 % changed: full copy") { benchmark in
        var bytes = 0
        for _ in benchmark.scaledIterations {
            let outcome = workload.copy()
            precondition(outcome.replica == workload.fresh, "the copy left a difference")
            bytes = outcome.bytes
        }
        benchmark.measurement(.custom("bytes exchanged", polarity: .prefersSmaller), bytes)
    }

    // Account data to a replica region: 10,000 accounts in SQLite; each iteration edits 1 % of
    // them at the home (100 small writes, the same in both) and brings the replica up to date.
    let accounts = AccountCatchUpWorkload.Shared(accounts: 10_000)

    Benchmark("Account replicas, 10,000 accounts, 1 % changed: round (range reconciliation)") { benchmark in
        var outcome = AccountCatchUpWorkload.Outcome()
        let workload = try await accounts.workload()
        for _ in benchmark.scaledIterations {
            try await accounts.changeOnePercent()
            outcome = try await workload.round()
            precondition(outcome.records == 100, "the round sent \(outcome.records) records, not the 100 changed")
        }
        benchmark.measurement(.custom("bytes exchanged", polarity: .prefersSmaller), outcome.bytes)
    }

    Benchmark("Account replicas, 10,000 accounts, 1 % changed: full copy") { benchmark in
        var outcome = AccountCatchUpWorkload.Outcome()
        let workload = try await accounts.workload()
        for _ in benchmark.scaledIterations {
            try await accounts.changeOnePercent()
            outcome = try await workload.copy()
        }
        benchmark.measurement(.custom("bytes exchanged", polarity: .prefersSmaller), outcome.bytes)
    }

    // An account moving between regions: its records read, encoded, decoded and imported.
    Benchmark("Account move records, 1 account, 20,000 telemetry events: read, encode, decode, import") { benchmark in
        let workload = try await AccountMoveWorkload.make(events: 20_000)
        var bytes = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            bytes = try await workload.move()
        }
        benchmark.stopMeasurement()
        benchmark.measurement(.custom("bytes exchanged", polarity: .prefersSmaller), bytes)
    }
}
