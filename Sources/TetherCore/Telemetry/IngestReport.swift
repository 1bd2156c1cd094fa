/// What happened to a batch: the `200` answer of `POST /v1/telemetry`.
public struct IngestReport: Sendable, Hashable, Codable {
    /// Events stored now.
    public var accepted: Int
    /// Events already stored before (same device and `event_id`); nothing new was stored.
    public var duplicate: Int
    /// Events refused; see ``errors``.
    public var rejected: Int
    /// One entry per rejected event, in batch order.
    public var errors: [RejectedEvent]

    /// Creates a report.
    public init(accepted: Int = 0, duplicate: Int = 0, rejected: Int = 0, errors: [RejectedEvent] = []) {
        self.accepted = accepted
        self.duplicate = duplicate
        self.rejected = rejected
        self.errors = errors
    }

    /// A rejected event: its index in the batch and why.
    public struct RejectedEvent: Sendable, Hashable, Codable {
        public var index: Int
        public var field: String?
        public var reason: String

        /// Creates an entry.
        public init(index: Int, rejection: TelemetryRejection) {
            self.index = index
            self.field = rejection.field
            self.reason = rejection.reason
        }
    }
}
