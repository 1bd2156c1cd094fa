import Logging
import PostgresNIO
import Synchronization
import TetherCore

/// Runs a call on a leased connection and gives up on it, with
/// ``TetherCore/TetherError/storeUnavailable``, when the connection has closed and the call has
/// not ended a second later.
///
/// A statement that postgres-nio writes on a connection that has just closed (the server shut
/// down between two statements of a transaction) is never answered: the write fails on the
/// closed channel and the statement's promise goes with it. Without the watch, that call, and
/// every ingest queued behind it, would wait forever for a database that went away; with it, the
/// caller gets `503 store_unavailable` like every other call during the outage. The abandoned
/// call stays suspended; it holds nothing but its own memory.
enum ClosedConnectionWatch {
    /// How often the watch looks at the connection.
    static let interval = Duration.milliseconds(250)
    /// How long a call may go on after its connection closed, to fail by itself first.
    static let grace = Duration.seconds(1)

    static func run<Result: Sendable>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let outcome = Outcome<Result>()
        let work = Task {
            do {
                outcome.finish(.success(try await body(connection)))
            } catch {
                outcome.finish(.failure(error))
            }
        }
        let watch = Task {
            while !Task.isCancelled, !connection.isClosed {
                try? await Task.sleep(for: Self.interval)
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: Self.grace)
            guard !Task.isCancelled else { return }
            if outcome.finish(.failure(TetherError.storeUnavailable)) {
                logger.warning("store unavailable: a call on a closed connection was abandoned")
            }
        }
        defer { watch.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }
}

/// The first result handed to it, delivered to one waiter whichever comes first.
private final class Outcome<Value: Sendable>: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<Value, any Error>)
        case done(Result<Value, any Error>)
    }

    private let state = Mutex(State.pending)

    /// Hands over `result` unless one came first; returns whether it was the first.
    @discardableResult
    func finish(_ result: Result<Value, any Error>) -> Bool {
        let (first, waiter): (Bool, CheckedContinuation<Value, any Error>?) = self.state.withLock { state in
            switch state {
            case .pending:
                state = .done(result)
                return (true, nil)
            case .waiting(let continuation):
                state = .done(result)
                return (true, continuation)
            case .done:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return first
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Value, any Error>? = self.state.withLock { state in
                switch state {
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    return result
                case .waiting:
                    preconditionFailure("one waiter only")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
