import Logging
import ServiceLifecycle

/// Runs ``AlertService/tick()`` (silence, repeats) every ``interval`` until the server stops.
struct AlertTicker: Service {
    let alerts: AlertService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                do {
                    try await self.alerts.tick()
                } catch {
                    self.logger.error("alert tick failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
