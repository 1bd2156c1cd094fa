import Logging
import ServiceLifecycle
import TetherCore
import TetherSync

/// Runs account replication rounds: every ``interval`` this home region mirrors its accounts to
/// each of its replica regions (``AccountReplicas/reconcile(with:)``). A region without replicas
/// skips it.
struct AccountReplication: Service {
    let replicas: AccountReplicas
    let interval: Duration
    let logger: Logger

    func run() async throws {
        let targets = self.replicas.replicaRegions
        guard !targets.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for replica in targets {
                    await self.round(with: replica)
                }
                try await Task.sleep(for: self.interval)
            }
        }
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
