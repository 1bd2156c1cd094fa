import Logging
import TetherCore
import TetherSync

/// Runs account replication rounds (the `account-replication` job): every ``interval`` this home
/// region mirrors its accounts to each of its replica regions (``AccountReplicas/reconcile(with:)``).
/// A region without replicas runs no such job.
struct AccountReplication: Sendable {
    let replicas: AccountReplicas
    let interval: Duration
    let logger: Logger

    /// The `account-replication` job: a round with every replica region every ``interval``;
    /// `nil` for a region without replicas.
    func job(clock: any Clock<Duration>) -> PeriodicJob? {
        let targets = self.replicas.replicaRegions
        guard !targets.isEmpty else { return nil }
        return PeriodicJob(
            name: BackgroundJobs.Name.accountReplication.rawValue,
            schedule: .atStartThenEvery(self.interval),
            clock: clock,
            logger: self.logger,
            pass: {
                for replica in targets {
                    await self.round(with: replica)
                }
            }
        )
    }

    private func round(with replica: RegionDirectory.Region) async {
        do {
            let round = try await self.replicas.reconcile(with: replica)
            await self.replicas.ledger.completed(round, with: replica.id)
            if round.sent > 0 || round.deleted > 0 {
                self.logger.info(
                    "account data replicated",
                    metadata: [
                        "tether.peer": "\(replica.id)", "tether.sent": "\(round.sent)",
                        "tether.deleted": "\(round.deleted)", "tether.bytes": "\(round.bytes)",
                    ]
                )
            }
        } catch is CancellationError {
            return
        } catch {
            await self.replicas.ledger.failed(with: replica.id, error: error)
            self.logger.notice(
                "account replication round failed",
                metadata: ["tether.peer": "\(replica.id)", "tether.error": "\(error)"]
            )
        }
    }
}
