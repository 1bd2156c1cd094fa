import Histogram
import Synchronization

/// What the senders of a load run count, shared between them: events sent and acknowledged,
/// errors, and the acknowledgement latency in HDR histograms (microseconds): over the whole run,
/// and after its first ``warmUpSeconds`` (the first batch of every device creates its state).
final class LoadStatistics: Sendable {
    struct Snapshot: Sendable {
        var sent = 0
        var acked = 0
        var errors = 0
        var p50Milliseconds = 0.0
        var p99Milliseconds = 0.0
        var steadyP50Milliseconds = 0.0
        var steadyP99Milliseconds = 0.0
    }

    /// Latencies of batches sent this long after the start count as steady too.
    static let warmUpSeconds = 5.0

    private struct State {
        var sent = 0
        var acked = 0
        var errors = 0
        var latencies = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
        var steady = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    }

    private let state = Mutex(State())
    private let start: ContinuousClock.Instant

    /// Statistics of a run that starts at `start`.
    init(start: ContinuousClock.Instant) {
        self.start = start
    }

    /// A batch of `events` went out.
    func sent(_ events: Int) {
        self.state.withLock { $0.sent += events }
    }

    /// The server acknowledged `events` of a batch sent at `sentAt` after `microseconds`.
    func acked(_ events: Int, sentAt: ContinuousClock.Instant, microseconds: UInt64) {
        let isSteady = self.start.duration(to: sentAt) >= .seconds(Self.warmUpSeconds)
        self.state.withLock { state in
            state.acked += events
            _ = state.latencies.record(max(1, microseconds))
            if isSteady { _ = state.steady.record(max(1, microseconds)) }
        }
    }

    /// A batch failed (no answer, or not 200).
    func failed() {
        self.state.withLock { $0.errors += 1 }
    }

    /// The counts and percentiles so far.
    var snapshot: Snapshot {
        self.state.withLock { state in
            Snapshot(
                sent: state.sent,
                acked: state.acked,
                errors: state.errors,
                p50Milliseconds: state.latencies.totalCount == 0
                    ? 0 : Double(state.latencies.valueAtPercentile(50)) / 1_000,
                p99Milliseconds: state.latencies.totalCount == 0
                    ? 0 : Double(state.latencies.valueAtPercentile(99)) / 1_000,
                steadyP50Milliseconds: state.steady.totalCount == 0
                    ? 0 : Double(state.steady.valueAtPercentile(50)) / 1_000,
                steadyP99Milliseconds: state.steady.totalCount == 0
                    ? 0 : Double(state.steady.valueAtPercentile(99)) / 1_000
            )
        }
    }
}
