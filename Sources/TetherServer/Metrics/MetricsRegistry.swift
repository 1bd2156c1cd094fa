import Metrics
public import Prometheus

/// The process-wide Prometheus registry behind `GET /metrics`.
///
/// swift-metrics has one global backend per process, so the first use bootstraps it; every
/// server in the process (tests start many) reports into the same registry.
public enum MetricsRegistry {
    /// The registry; reading it bootstraps swift-metrics once.
    public static let shared: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
