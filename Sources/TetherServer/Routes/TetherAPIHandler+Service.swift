import Foundation
import Logging
import OpenAPIRuntime
import Prometheus
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        // "ok" means the store answers too.
        try await self.store.ping()
        return .ok(
            .init(body: .json(.init(status: .ok, region: self.config.region.rawValue, version: TetherVersion.current)))
        )
    }

    /// The metrics, for an operator: they name routes, outcomes and peers an outsider need not
    /// see. A scraper without a token reads them on `--metrics-listen` (``MetricsListener``).
    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        try await self.authenticator.requireOperator()
        return .ok(.init(body: .plainText(HTTPBody(self.metrics.emitToString()))))
    }
}
