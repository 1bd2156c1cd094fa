import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func getOperatorStats(_ input: Operations.GetOperatorStats.Input) async throws -> Operations.GetOperatorStats.Output
    {
        try await self.authenticator.requireOperator()
        let statistics = try await self.store.statistics(now: self.now)
        let body = Components.Schemas.OperatorStats(
            region: self.config.region.rawValue,
            accounts: Int64(statistics.accounts),
            devices: Int64(statistics.devices),
            activeSessions: Int64(statistics.activeSessions)
        )
        return .ok(.init(body: .json(body)))
    }
}

extension TetherAPIHandler {
    /// Runs one pass of a background job and answers when it has finished.
    func runOperatorJob(_ input: Operations.RunOperatorJob.Input) async throws -> Operations.RunOperatorJob.Output {
        try await self.authenticator.requireOperator()
        let name = BackgroundJobs.Name(rawValue: input.path.job)
        guard let job = self.jobs[name] else { throw TetherError.jobNotFound(input.path.job) }
        let clock = ContinuousClock()
        let started = clock.now
        try await job.runOnce()
        let elapsed = clock.now - started
        self.logger.info("job run by an operator", metadata: ["tether.job": "\(name)"])
        return .ok(.init(body: .json(.init(job: name.rawValue, durationMs: Int64(elapsed / .milliseconds(1))))))
    }
}
