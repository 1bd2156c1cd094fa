import Foundation
import Logging
import TetherCore
import TetherStore

/// Deletes expired records on a schedule: sessions past their refresh expiry, pairing codes a
/// week past their expiry, failed sign-ins older than the throttling window, raw telemetry
/// older than ``ServerConfig/telemetryRetention`` and daily aggregates older than
/// ``ServerConfig/aggregateRetention``. Runs at start and
/// then every ``interval`` until the server shuts down (the `retention` job).
struct RetentionService: Sendable {
    let store: any TetherStorage
    let config: ServerConfig
    let logger: Logger
    /// Time between sweeps.
    var interval: Duration = .seconds(3_600)
    /// How long expired pairing codes stay visible in the export.
    static let pairingCodeRetention: TimeInterval = 7 * 86_400

    /// The `retention` job: a sweep at start, then one every ``interval``.
    func job(clock: any Clock<Duration>) -> PeriodicJob {
        PeriodicJob(
            name: BackgroundJobs.Name.retention.rawValue,
            schedule: .atStartThenEvery(self.interval),
            clock: clock,
            logger: self.logger,
            pass: { await self.sweep() }
        )
    }

    /// Records deleted per transaction, so ingestion never waits long behind a sweep.
    static let telemetryPruneBatch = 1_000

    /// Deletes expired telemetry in small transactions; returns how many records went.
    func pruneTelemetry(now: Date) async throws -> Int {
        let eventsBefore = now.addingTimeInterval(-self.config.telemetryRetention.timeInterval)
        let aggregatesBefore = UTCDay(now.addingTimeInterval(-self.config.aggregateRetention.timeInterval))
        var total = 0
        while true {
            let pruned = try await self.store.pruneTelemetry(
                eventsBefore: eventsBefore,
                aggregatesBefore: aggregatesBefore,
                limit: Self.telemetryPruneBatch
            )
            total += pruned
            guard pruned >= Self.telemetryPruneBatch else { return total }
            await Task.yield()
        }
    }

    /// One sweep; failures are logged and retried at the next one.
    func sweep() async {
        let now = self.config.clock()
        do {
            let pruned = try await self.store.pruneExpired(
                now: now,
                pairingCodesBefore: now.addingTimeInterval(-Self.pairingCodeRetention),
                failedSignInsBefore: now.addingTimeInterval(-self.config.signInFailureWindow.timeInterval)
            )
            let telemetry = try await self.pruneTelemetry(now: now)
            self.logger.debug(
                "retention sweep",
                metadata: ["tether.retention.pruned": "\(pruned)", "tether.retention.telemetry": "\(telemetry)"]
            )
        } catch {
            self.logger.error("retention sweep failed", metadata: ["error": "\(error)"])
        }
    }
}
