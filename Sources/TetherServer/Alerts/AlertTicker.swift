import Logging

/// The `alert-ticker` job: rebuilds the alert engines first (``AlertService/recoverAll()``), then
/// runs ``AlertService/tick()`` (silence, repeats, lapsed suppressions) every
/// ``ServerConfig/alertTickInterval``.
enum AlertTicker {
    static func job(alerts: AlertService, config: ServerConfig, logger: Logger) -> PeriodicJob {
        PeriodicJob(
            name: BackgroundJobs.Name.alertTicker.rawValue,
            schedule: .every(config.alertTickInterval),
            clock: config.jobClock,
            logger: logger,
            setUp: {
                do {
                    try await alerts.recoverAll()
                } catch {
                    logger.error("alert recovery failed", metadata: ["error": "\(error)"])
                }
            },
            pass: { try await alerts.tick() }
        )
    }
}
