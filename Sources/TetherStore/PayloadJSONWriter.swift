public import TetherCore

/// Writes a payload's fields as compact JSON, the storage form of `telemetry_event.payload`.
///
/// The output is what `JSONEncoder` writes for ``TelemetryPayload/encodeFields(to:)`` (key order
/// aside) and reads back through the same decoder. It exists for speed: on the ingest path
/// `JSONEncoder` took about half the CPU of the store transaction, this writer a small fraction.
/// Every backend stores payloads in this form and reads them back with
/// ``TelemetryColumns/payload(kind:json:)``.
public struct PayloadJSONWriter: Sendable {
    private var text = "{"
    private var isEmpty = true

    /// The payload's fields as one JSON object.
    public static func json(_ payload: TelemetryPayload) -> String {
        var writer = PayloadJSONWriter()
        switch payload {
        case .properties(let properties):
            writer.field("model", properties.model)
            writer.field("hw_version", properties.hardwareVersion)
            writer.field("sw_version", properties.softwareVersion)
            writer.field("signal_dbm", properties.signalDBm)
            writer.field("battery_pct", properties.batteryPercent)
            writer.field("ip", properties.ipAddress)
        case .location(let fix):
            writer.field("lat", fix.latitude)
            writer.field("lon", fix.longitude)
            writer.field("accuracy_m", fix.accuracyMeters)
            writer.field("source", fix.source.rawValue)
            writer.field("speed_mps", fix.speedMetersPerSecond)
            writer.field("heading_deg", fix.headingDegrees)
        case .wifiScan(let readings):
            writer.objects("aps", readings) { writer, reading in
                writer.field("bssid", reading.bssid)
                writer.field("rssi", reading.rssi)
                writer.field("freq_mhz", reading.frequencyMHz)
            }
        case .beacons(let readings):
            writer.objects("beacons", readings) { writer, reading in
                writer.field("uuid", reading.uuid)
                writer.field("major", reading.major)
                writer.field("minor", reading.minor)
                writer.field("address", reading.address)
                writer.field("rssi", reading.rssi)
            }
        case .cellTowers(let readings):
            writer.objects("cells", readings) { writer, reading in
                writer.field("mcc", reading.mcc)
                writer.field("mnc", reading.mnc)
                writer.field("lac", reading.lac)
                writer.field("tac", reading.tac)
                writer.field("cell_id", reading.cellID)
                writer.field("rssi", reading.rssi)
            }
        case .usage(let usage):
            writer.field("function", usage.function)
            writer.field("operation", usage.operation)
            writer.field("start_ms", usage.startMilliseconds)
            writer.field("duration_ms", usage.durationMilliseconds)
        case .connection(let state):
            writer.field("state", state.rawValue)
        case .sos:
            break
        }
        return writer.finished()
    }

    private mutating func key(_ key: String) {
        if !self.isEmpty { self.text.append(",") }
        self.isEmpty = false
        self.text.append("\"\(key)\":")
    }

    private mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        self.text.append(Self.quoted(value))
    }

    private mutating func field(_ key: String, _ value: (some BinaryInteger)?) {
        guard let value else { return }
        self.key(key)
        self.text.append(String(value))
    }

    private mutating func field(_ key: String, _ value: Double?) {
        // Validation admits only finite numbers; Swift's shortest round-trip form is valid JSON.
        guard let value, value.isFinite else { return }
        self.key(key)
        self.text.append(value.description)
    }

    private mutating func objects<Element>(
        _ key: String,
        _ elements: [Element],
        write: (inout PayloadJSONWriter, Element) -> Void
    ) {
        self.key(key)
        self.text.append("[")
        for (index, element) in elements.enumerated() {
            if index > 0 { self.text.append(",") }
            var writer = PayloadJSONWriter()
            write(&writer, element)
            self.text.append(writer.finished())
        }
        self.text.append("]")
    }

    private func finished() -> String { self.text + "}" }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ value: String) -> String {
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted.append("\\\"")
            case "\\": quoted.append("\\\\")
            case "\n": quoted.append("\\n")
            case "\r": quoted.append("\\r")
            case "\t": quoted.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                quoted.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        quoted.append("\"")
        return quoted
    }
}
