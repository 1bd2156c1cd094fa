import Foundation

/// A ``SimEvent`` on the wire at an absolute device time, with its `event_id`.
struct WireEvent: Encodable, Sendable {
    var id: UUID
    /// Device time in milliseconds since 1970.
    var timestamp: Int64
    var payload: SimEvent.Payload

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case ts, kind, lat, lon, source, state, aps, cells, function, operation
        case accuracy = "accuracy_m"
        case battery = "battery_pct"
        case signal = "signal_dbm"
        case model
        case hardware = "hw_version"
        case software = "sw_version"
        case start = "start_ms"
        case duration = "duration_ms"
    }

    struct AccessPoint: Encodable {
        var bssid: String
        var rssi: Int
    }

    struct Cell: Encodable {
        var mcc: Int
        var mnc: Int
        var tac: Int
        var cell_id: Int64
        var rssi: Int
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id.uuidString.lowercased(), forKey: .eventID)
        try container.encode(self.timestamp, forKey: .ts)
        try container.encode(self.payload.kind, forKey: .kind)
        switch self.payload {
        case .location(let latitude, let longitude, let accuracy, let source):
            try container.encode(latitude, forKey: .lat)
            try container.encode(longitude, forKey: .lon)
            try container.encode(accuracy, forKey: .accuracy)
            try container.encode(source, forKey: .source)
        case .wifiScan(let readings):
            try container.encode(readings.map { AccessPoint(bssid: $0.bssid, rssi: $0.rssi) }, forKey: .aps)
        case .cellTowers(let readings):
            try container.encode(
                readings.map { Cell(mcc: $0.mcc, mnc: $0.mnc, tac: $0.tac, cell_id: $0.cellID, rssi: $0.rssi) },
                forKey: .cells
            )
        case .connection(let connected):
            try container.encode(connected ? "connected" : "disconnected", forKey: .state)
        case .properties(let battery, let signal, let model, let hardware, let software):
            try container.encodeIfPresent(battery, forKey: .battery)
            try container.encodeIfPresent(signal, forKey: .signal)
            try container.encodeIfPresent(model, forKey: .model)
            try container.encodeIfPresent(hardware, forKey: .hardware)
            try container.encodeIfPresent(software, forKey: .software)
        case .usage(let function, let operation, let duration):
            try container.encode(function, forKey: .function)
            try container.encode(operation, forKey: .operation)
            try container.encode(self.timestamp, forKey: .start)
            try container.encode(duration, forKey: .duration)
        case .sos:
            break
        }
    }
}

/// The body of `POST /v1/telemetry`.
struct WireBatch: Encodable, Sendable {
    var events: [WireEvent]
}
