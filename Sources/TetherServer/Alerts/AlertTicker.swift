import Logging
import ServiceLifecycle

/// Rebuilds the alert engines at start (``AlertService/recoverAll()``), then runs
/// ``AlertService/tick()`` (silence, repeats) every ``interval`` until the server stops.
struct AlertTicker: Service {
    let alerts: AlertService
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await self.alerts.recoverAll()
        } catch {
            self.logger.error("alert recovery failed", metadata: ["error": "\(error)"])
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                do {
                    try await self.alerts.tick()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("alert tick failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
