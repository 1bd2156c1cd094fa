/// What a load run measured; `--json` prints it as one object with these keys.
public struct LoadReport: Sendable, Codable, Hashable {
    public var eventsSent: Int
    public var eventsAcked: Int
    public var eventsPerSecond: Double
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
    /// The same percentiles for batches sent after the first seconds of warm-up.
    public var steadyP50Milliseconds: Double
    public var steadyP99Milliseconds: Double
    public var durationSeconds: Double
    /// Batches not fully acknowledged: no answer, not 200, or events refused.
    public var errors: Int
    /// Devices paired through the real flow, and how long that took.
    public var devices: Int
    public var pairingSeconds: Double
    /// The rate asked for, events per second.
    public var offeredRate: Int

    enum CodingKeys: String, CodingKey {
        case eventsSent = "events_sent"
        case eventsAcked = "events_acked"
        case eventsPerSecond = "events_per_s"
        case p50Milliseconds = "p50_ms"
        case p99Milliseconds = "p99_ms"
        case steadyP50Milliseconds = "steady_p50_ms"
        case steadyP99Milliseconds = "steady_p99_ms"
        case durationSeconds = "duration_s"
        case errors
        case devices
        case pairingSeconds = "pairing_s"
        case offeredRate = "offered_rate"
    }

    /// The summary for a person.
    public var summary: String {
        """
        devices           \(self.devices) (paired in \(Self.format(self.pairingSeconds)) s)
        events sent       \(self.eventsSent)
        events acked      \(self.eventsAcked)
        rate              \(Int(self.eventsPerSecond.rounded())) events/s (offered \(self.offeredRate))
        ack latency       p50 \(Self.format(self.p50Milliseconds)) ms, p99 \(Self.format(self.p99Milliseconds)) ms
        after warm-up     p50 \(Self.format(self.steadyP50Milliseconds)) ms, p99 \(Self.format(self.steadyP99Milliseconds)) ms
        duration          \(Self.format(self.durationSeconds)) s
        errors            \(self.errors)
        """
    }

    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
