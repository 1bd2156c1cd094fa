public import Logging
public import ServiceLifecycle

/// Background work the server repeats: one pass every ``interval`` on an injected clock, until
/// the server shuts down. The alert ticker, the webhook deliverer, the retention sweep, the
/// replication rounds, the directory backfill and the check of moves in doubt are each one.
///
/// A pass can also be asked for directly (``runOnce()``): tests step a job that way instead of
/// sleeping, and passes never overlap, so when ``runOnce()`` returns, every pass begun before
/// it has finished and one more has run. A job whose pass only starts work (the webhook
/// deliverer's attempts run on their own) has a `settle` step that ``runOnce()`` waits for and
/// the loop does not. Errors of a pass in the loop are logged and the next pass runs as usual.
///
/// ```swift
/// let sweep = PeriodicJob(name: "retention", interval: .seconds(3_600), logger: logger) {
///     try await retention.sweep()
/// }
/// try await sweep.runOnce()
/// ```
public struct PeriodicJob: Service {
    /// When passes run.
    public enum Schedule: Sendable {
        /// A pass at start, then one every interval.
        case atStartThenEvery(Duration)
        /// A pass one interval after start, and every interval after that.
        case every(Duration)
        /// One pass at start and none after (``runOnce()`` still runs one).
        case onceAtStart
    }

    /// The job's name (`alert-ticker`, `webhook-deliverer`, …), as ``BackgroundJobs`` lists it.
    public let name: String
    /// When passes run.
    public let schedule: Schedule
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let passes: PassLock
    private let setUp: @Sendable () async -> Void
    private let pass: @Sendable () async throws -> Void
    private let settle: @Sendable () async -> Void
    private let tearDown: @Sendable () async -> Void

    /// Creates a job.
    ///
    /// - Parameters:
    ///   - name: What logs and ``BackgroundJobs`` call it.
    ///   - schedule: When passes run.
    ///   - clock: What the job waits on between passes (tests inject one they step).
    ///   - logger: Where a failed pass is reported.
    ///   - setUp: Runs once, before the first pass (the loop's or ``runOnce()``'s).
    ///   - tearDown: Runs once the loop has stopped.
    ///   - settle: What ``runOnce()`` waits for after its pass: the work the pass left running.
    ///   - pass: One pass of the work.
    public init(
        name: String,
        schedule: Schedule,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger,
        setUp: @escaping @Sendable () async -> Void = {},
        tearDown: @escaping @Sendable () async -> Void = {},
        settle: @escaping @Sendable () async -> Void = {},
        pass: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.schedule = schedule
        self.clock = clock
        self.logger = logger
        self.passes = PassLock()
        self.setUp = setUp
        self.tearDown = tearDown
        self.pass = pass
        self.settle = settle
    }

    /// Runs one pass now, after the one under way (if any) has finished, and waits for the
    /// work it left running (the job's `settle`).
    ///
    /// - Throws: what the pass threw.
    public func runOnce() async throws {
        try await self.runPass()
        await self.settle()
    }

    private func runPass() async throws {
        await self.passes.acquire()
        do {
            if await self.passes.needsSetUp() { await self.setUp() }
            try await self.pass()
            await self.passes.release()
        } catch {
            await self.passes.release()
            throw error
        }
    }

    /// The loop: the set-up at once, then passes on the schedule until graceful shutdown.
    public func run() async throws {
        await self.passes.acquire()
        if await self.passes.needsSetUp() { await self.setUp() }
        await self.passes.release()
        try? await cancelWhenGracefulShutdown {
            switch self.schedule {
            case .onceAtStart:
                await self.loggingFailures()
                try await gracefulShutdown()
            case .atStartThenEvery(let interval):
                while !Task.isCancelled {
                    await self.loggingFailures()
                    try await self.clock.sleep(for: interval)
                }
            case .every(let interval):
                while !Task.isCancelled {
                    try await self.clock.sleep(for: interval)
                    await self.loggingFailures()
                }
            }
        }
        await self.passes.acquire()
        await self.tearDown()
        await self.passes.release()
    }

    private func loggingFailures() async {
        do {
            try await self.runPass()
        } catch is CancellationError {
            return
        } catch {
            self.logger.error(
                "\(self.name) pass failed",
                metadata: ["tether.job": "\(self.name)", "error": "\(error)"]
            )
        }
    }
}

/// Lets one pass of a job run at a time, in the order they asked, and remembers whether the
/// job's set-up has run.
private actor PassLock {
    private var busy = false
    private var setUpDone = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard self.busy else {
            self.busy = true
            return
        }
        await withCheckedContinuation { self.waiting.append($0) }
    }

    func release() {
        if self.waiting.isEmpty {
            self.busy = false
        } else {
            self.waiting.removeFirst().resume()
        }
    }

    /// `true` the first time it is asked.
    func needsSetUp() -> Bool {
        defer { self.setUpDone = true }
        return !self.setUpDone
    }
}
