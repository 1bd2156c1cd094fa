/// Retries of one backup request within a push: a transient failure (the server unreachable,
/// the connection reset, a 5xx answer; ``BackupClientError/isTransient``) is tried again after a
/// growing pause; a 4xx answer is not, as sending the same request again would get the same answer.
public struct BackupRetry: Sendable {
    /// How many times a request is sent at most.
    public var attempts: Int
    /// The pause before the second attempt; each later pause doubles, with up to 25 % jitter.
    public var firstPause: Duration

    /// A policy of `attempts` attempts, the first retry after `firstPause`.
    public init(attempts: Int = 6, firstPause: Duration = .milliseconds(200)) {
        self.attempts = attempts
        self.firstPause = firstPause
    }

    /// The default policy: six attempts over about six seconds, long enough for a server restart.
    public static let standard = BackupRetry()

    /// Runs `request` (given the attempt's number, from 1), again after a pause when it fails
    /// transiently, telling `retrying` before each pause.
    ///
    /// - Throws: the last attempt's failure, a failure that is not transient, or
    ///   `CancellationError` when cancelled during a pause.
    func run<Result>(
        retrying: (BackupRetryNote) -> Void,
        _ request: (_ attempt: Int) async throws -> Result
    ) async throws -> Result {
        var pause = self.firstPause
        var attempt = 1
        while true {
            do {
                return try await request(attempt)
            } catch let error as BackupClientError where attempt < self.attempts && error.isTransient {
                let wait = pause + pause * Double.random(in: 0...0.25)
                retrying(
                    BackupRetryNote(failure: error, nextAttempt: attempt + 1, attempts: self.attempts, pause: wait)
                )
                try await Task.sleep(for: wait)
                pause *= 2
                attempt += 1
            }
        }
    }
}

/// A request failed transiently and is sent again after a pause.
public struct BackupRetryNote: Sendable, CustomStringConvertible {
    /// Why the last attempt failed.
    public var failure: BackupClientError
    /// The number of the attempt to come (2 for the first retry).
    public var nextAttempt: Int
    /// How many attempts the policy allows.
    public var attempts: Int
    /// The pause before the next attempt.
    public var pause: Duration

    /// `cannot reach the server …; retrying (2 of 6) in 213 ms`.
    public var description: String {
        let milliseconds =
            self.pause.components.seconds * 1_000
            + self.pause.components.attoseconds / 1_000_000_000_000_000
        return "\(self.failure.description); retrying (\(self.nextAttempt) of \(self.attempts)) in \(milliseconds) ms"
    }
}
