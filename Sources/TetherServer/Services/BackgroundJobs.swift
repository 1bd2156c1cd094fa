import Synchronization

/// The ``PeriodicJob``s one server runs, by name: what a test steps instead of sleeping, and the
/// one place a later change can wrap to run each job once per region instead of once per process.
///
/// ```swift
/// let jobs = BackgroundJobs()
/// let app = try buildApplication(config: config, store: store, logger: logger, jobs: jobs)
/// …
/// try await jobs.runOnce(.webhookDeliverer)  // every delivery due now has been attempted
/// ```
public final class BackgroundJobs: Sendable {
    /// A job's name.
    public struct Name: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { self.rawValue }

        /// Silence, repeats and lapsed suppressions (``ServerConfig/alertTickInterval``).
        public static let alertTicker = Name(rawValue: "alert-ticker")
        /// Posts due webhook deliveries (``ServerConfig/alertTickInterval``).
        public static let webhookDeliverer = Name(rawValue: "webhook-deliverer")
        /// Deletes expired records (hourly).
        public static let retention = Name(rawValue: "retention")
        /// Lists accounts the account directory does not know (once at start).
        public static let directoryBackfill = Name(rawValue: "directory-backfill")
        /// Anti-entropy of the account directory with every peer (``ServerConfig/directorySyncInterval``).
        public static let directoryReplication = Name(rawValue: "directory-replication")
        /// Mirrors account data to replica regions (``ServerConfig/directorySyncInterval``).
        public static let accountReplication = Name(rawValue: "account-replication")
        /// Asks how moves in doubt ended (``ServerConfig/moveCheckInterval``).
        public static let moveCheck = Name(rawValue: "move-check")
        /// Ends alert streams whose session was revoked or expired (every second).
        public static let streamCheck = Name(rawValue: "stream-check")
    }

    private let jobs = Mutex<[Name: PeriodicJob]>([:])

    /// An empty set; ``buildApplication(config:store:logger:backups:replicaBlobs:jobs:onServerRunning:)`` fills it.
    public init() {}

    /// Adds `job` under its name (a job of the same name is replaced).
    func add(_ job: PeriodicJob) {
        self.jobs.withLock { $0[Name(rawValue: job.name)] = job }
    }

    /// The jobs this server runs (a region alone runs no replication, for one).
    public var names: Set<Name> {
        self.jobs.withLock { Set($0.keys) }
    }

    /// The job called `name`, if this server runs it.
    public subscript(name: Name) -> PeriodicJob? {
        self.jobs.withLock { $0[name] }
    }

    /// Runs one pass of `name` after the one under way; a job this server does not run is no
    /// work to wait for.
    ///
    /// - Throws: what the pass threw.
    public func runOnce(_ name: Name) async throws {
        try await self[name]?.runOnce()
    }

    /// Runs one pass of every job named, in order: what could still change the state a test is
    /// about to assert has happened.
    ///
    /// - Throws: the first failure of a pass.
    public func drain(_ names: Name...) async throws {
        for name in names {
            try await self.runOnce(name)
        }
    }
}
