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
