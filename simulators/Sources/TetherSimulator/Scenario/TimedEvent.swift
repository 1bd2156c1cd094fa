/// Something a device reports at a given event time, apart from its track's samples.
public struct TimedEvent: Sendable, Hashable, Decodable {
    /// What it reports.
    public enum Payload: Sendable, Hashable {
        /// The link to the owner's phone came up (`true`) or dropped (`false`).
        case connection(connected: Bool)
        /// A `properties` report; at least one value is set.
        case properties(batteryPercent: Int?, signalDBm: Int?, model: String?, hwVersion: String?, swVersion: String?)
        /// A `usage` event: a function used for a while.
        case usage(function: String, operation: String, durationMilliseconds: Int64)
        /// The emergency button.
        case sos
        /// Any sign of life that is not a fix (sent as a `properties` report of the signal), so
        /// the server's event-time clock moves on.
        case heartbeat
    }

    /// Event time, milliseconds after the scenario's start.
    public var at: Int64
    public var payload: Payload

    enum CodingKeys: String, CodingKey, CaseIterable {
        case at, kind, state, function, operation, duration
        case batteryPercent = "battery_pct"
        case signalDBm = "signal_dbm"
        case model
        case hwVersion = "hw_version"
        case swVersion = "sw_version"
    }

    public init(at: Int64, _ payload: Payload) {
        self.at = at
        self.payload = payload
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.at = try container.duration(.at)
        let kinds = ["connection", "properties", "usage", "sos", "heartbeat"]
        switch try container.choice(.kind, Dictionary(uniqueKeysWithValues: kinds.map { ($0, $0) })) {
        case "connection":
            self.payload = .connection(
                connected: try container.choice(.state, ["connected": true, "disconnected": false])
            )
        case "properties":
            let battery =
                try container.contains(.batteryPercent) ? container.integer(.batteryPercent, in: 0...100) : nil
            let signal = try container.contains(.signalDBm) ? container.integer(.signalDBm, in: -150...0) : nil
            let model = try container.decodeIfPresent(String.self, forKey: .model)
            let hardware = try container.decodeIfPresent(String.self, forKey: .hwVersion)
            let software = try container.decodeIfPresent(String.self, forKey: .swVersion)
            guard battery != nil || signal != nil || model != nil || hardware != nil || software != nil else {
                throw container.invalid(.kind, "a properties event needs battery_pct, signal_dbm, model or a version")
            }
            self.payload = .properties(
                batteryPercent: battery,
                signalDBm: signal,
                model: model,
                hwVersion: hardware,
                swVersion: software
            )
        case "usage":
            self.payload = .usage(
                function: try container.decode(String.self, forKey: .function),
                operation: try container.decode(String.self, forKey: .operation),
                durationMilliseconds: try container.durationIfPresent(.duration) ?? 0
            )
        case "sos":
            self.payload = .sos
        default:
            self.payload = .heartbeat
        }
    }
}
