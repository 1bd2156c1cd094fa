import Hummingbird
import Logging
import Prometheus

/// `tetherd --metrics-listen HOST:PORT`: `GET /metrics` without a credential on an address of
/// its own, for a Prometheus scraper on a private network; the main port serves it to an
/// operator token only.
enum MetricsListener {
    /// The listener's application, run beside the main one as a service.
    static func application(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ in MetricsRegistry.shared.emitToString() }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "tetherd-metrics"),
            logger: logger
        )
    }
}
