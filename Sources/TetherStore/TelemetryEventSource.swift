/// Who produced a stored telemetry event, for the stores' inspection counts (tests and
/// benchmarks): devices, or the server's estimates from radio scans.
public enum TelemetryEventSource: Sendable, CaseIterable {
    /// Sent by devices.
    case device
    /// Estimated by the server from scans.
    case server
    /// Both.
    case any

    /// The condition on `telemetry_event` that selects them (` WHERE …`, or nothing): both
    /// backends keep an estimate as a `location` event whose payload text says so.
    public var whereClause: String {
        let estimated = "kind = 'location' AND payload LIKE '%\"source\":\"estimated\"%'"
        return switch self {
        case .device: " WHERE NOT (\(estimated))"
        case .server: " WHERE \(estimated)"
        case .any: ""
        }
    }
}
