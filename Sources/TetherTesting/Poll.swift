/// Waiting for a condition, the one way tests wait for what happens out of their hands (a child
/// process logging its port, another region converging): check, and check again a moment later,
/// until it holds or a deadline long enough for a loaded machine has passed.
///
/// ```swift
/// try await Poll.until("the watcher listens") { watch.standardError().contains("Watching") }
/// ```
public enum Poll {
    /// Why a ``Poll`` gave up.
    public struct Timeout: Error, CustomStringConvertible {
        /// What was waited for.
        public let what: String
        /// How long.
        public let timeout: Duration

        public var description: String { "timed out after \(self.timeout) waiting until \(self.what)" }
    }

    /// Checks `condition` every `interval` until it holds.
    ///
    /// - Throws: ``Timeout`` naming `what` once `timeout` has passed without it holding; what
    ///   `condition` throws.
    public static func until(
        _ what: String,
        timeout: Duration = .seconds(60),
        every interval: Duration = .milliseconds(50),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw Timeout(what: what, timeout: timeout) }
            try await Task.sleep(for: interval)
        }
    }

    /// The first non-`nil` value `value` gives, checked every `interval`.
    ///
    /// - Throws: ``Timeout`` naming `what` once `timeout` has passed without one.
    public static func value<Value>(
        _ what: String,
        timeout: Duration = .seconds(60),
        every interval: Duration = .milliseconds(50),
        _ value: () async throws -> Value?
    ) async throws -> Value {
        var found: Value?
        try await Self.until(what, timeout: timeout, every: interval) {
            found = try await value()
            return found != nil
        }
        return found!
    }
}
