public import Foundation

/// How a run restarts a server, for a push that a restart interrupts (`restart_server_after`).
///
/// The run decides when; whoever owns the `tetherd` processes does it: a test stops and starts
/// its child process on the same port and data directory, `tether-sim run --restart-command CMD`
/// runs `CMD stop URL` and `CMD start URL`. The run stops the server between two pack uploads, so
/// the next upload finds it gone and the push fails; it starts it again, waits until
/// `GET /health` answers, and pushes again.
///
/// ```swift
/// let restarter = ServerRestarter(
///     stop: { url in try await servers.kill(url) },
///     start: { url in try await servers.start(url) }
/// )
/// ```
public struct ServerRestarter: Sendable {
    /// Stops the server at a URL; returns once it no longer answers (its process is gone).
    public var stop: @Sendable (URL) async throws -> Void
    /// Starts the server at a URL again, with the data it had; the run waits until it answers.
    public var start: @Sendable (URL) async throws -> Void

    /// A restarter that stops and starts servers with these closures.
    public init(
        stop: @escaping @Sendable (URL) async throws -> Void,
        start: @escaping @Sendable (URL) async throws -> Void
    ) {
        self.stop = stop
        self.start = start
    }
}
