import Histogram
import Synchronization

/// What the senders of a load run count, shared between them: events sent and acknowledged,
/// errors, and the acknowledgement latency in an HDR histogram (microseconds).
final class LoadStatistics: Sendable {
    struct Snapshot: Sendable {
        var sent = 0
        var acked = 0
        var errors = 0
        var p50Milliseconds = 0.0
        var p99Milliseconds = 0.0
    }

    private struct State {
        var sent = 0
        var acked = 0
        var errors = 0
        var latencies = Histogram<UInt64>(highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: .three)
    }

    private let state = Mutex(State())

    /// A batch of `events` went out.
    func sent(_ events: Int) {
        self.state.withLock { $0.sent += events }
    }

    /// The server acknowledged `events` of a batch after `microseconds`.
    func acked(_ events: Int, microseconds: UInt64) {
        self.state.withLock { state in
            state.acked += events
            _ = state.latencies.record(max(1, microseconds))
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
                    ? 0 : Double(state.latencies.valueAtPercentile(99)) / 1_000
            )
        }
    }
}
