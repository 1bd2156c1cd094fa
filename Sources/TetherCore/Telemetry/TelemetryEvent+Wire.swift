import Foundation

// The wire form of `protocols/telemetry.md`: `event_id`, `ts` and `kind`, then the kind's fields
// side by side in one object. Decoding validates every field, so a decoded event is a valid one.

extension TelemetryEvent: Codable {
    private enum HeaderKeys: String, CodingKey {
        case eventID = "event_id"
        case timestamp = "ts"
        case kind
    }

    public init(from decoder: any Decoder) throws {
        let header = try decoder.container(keyedBy: HeaderKeys.self)
        let idText = try header.decode(String.self, forKey: .eventID)
        guard let id = UUID(fastParsing: idText) else {
            throw TelemetryRejection(field: "event_id", "must be a UUID")
        }
        let timestamp = try header.decode(Int64.self, forKey: .timestamp)
        try TelemetryCheck.epochMilliseconds(timestamp, field: "ts")
        let kindText = try header.decode(String.self, forKey: .kind)
        guard let kind = TelemetryKind(rawValue: kindText) else { throw TelemetryRejection.unknownKind(kindText) }
        self.init(id: id, timestamp: timestamp, payload: try TelemetryPayload(kind: kind, from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var header = encoder.container(keyedBy: HeaderKeys.self)
        try header.encode(self.id.uuidString.lowercased(), forKey: .eventID)
        try header.encode(self.timestamp, forKey: .timestamp)
        try header.encode(self.kind, forKey: .kind)
        try self.payload.encodeFields(to: encoder)
    }
}

extension TelemetryPayload {
    private enum ListKeys: String, CodingKey {
        case accessPoints = "aps"
        case beacons
        case cells
        case state
    }

    /// Decodes the fields of `kind` from the event object and validates them. Payloads read back
    /// from the store's own records skip validation (``CodingUserInfoKey/storedTelemetryPayload``),
    /// so rules tightened later never make old records unreadable.
    public init(kind: TelemetryKind, from decoder: any Decoder) throws {
        let payload: TelemetryPayload
        switch kind {
        case .properties:
            payload = .properties(try DeviceProperties(from: decoder))
        case .location:
            payload = .location(try LocationFix(from: decoder))
        case .wifiScan:
            let list = try decoder.container(keyedBy: ListKeys.self)
            payload = .wifiScan(try list.decode([WiFiAccessPointReading].self, forKey: .accessPoints))
        case .beacons:
            let list = try decoder.container(keyedBy: ListKeys.self)
            payload = .beacons(try list.decode([BeaconReading].self, forKey: .beacons))
        case .cellTowers:
            let list = try decoder.container(keyedBy: ListKeys.self)
            payload = .cellTowers(try list.decode([CellTowerReading].self, forKey: .cells))
        case .usage:
            payload = .usage(try UsageRecord(from: decoder))
        case .connection:
            let list = try decoder.container(keyedBy: ListKeys.self)
            let state = try list.decode(String.self, forKey: .state)
            guard let connection = ConnectionState(rawValue: state) else {
                throw TelemetryRejection(field: "state", "must be connected or disconnected")
            }
            payload = .connection(connection)
        case .sos:
            payload = .sos
        }
        let isStored = decoder.userInfo[.storedTelemetryPayload] as? Bool == true
        self = isStored ? payload : try payload.validated()
    }

    /// The payload with every field checked (and normalised: BSSIDs in lower case).
    public func validated() throws(TelemetryRejection) -> TelemetryPayload {
        switch self {
        case .properties(let properties): .properties(try properties.validated())
        case .location(let fix): .location(try fix.validated())
        case .wifiScan(let readings):
            .wifiScan(
                try Self.validatedList(readings, field: "aps") { reading throws(TelemetryRejection) in
                    try reading.validated()
                }
            )
        case .beacons(let readings):
            .beacons(
                try Self.validatedList(readings, field: "beacons") { reading throws(TelemetryRejection) in
                    try reading.validated()
                }
            )
        case .cellTowers(let readings):
            .cellTowers(
                try Self.validatedList(readings, field: "cells") { reading throws(TelemetryRejection) in
                    try reading.validated()
                }
            )
        case .usage(let usage): .usage(try usage.validated())
        case .connection, .sos: self
        }
    }

    /// Writes the kind's fields (not `event_id`, `ts` or `kind`) into the encoder's object.
    public func encodeFields(to encoder: any Encoder) throws {
        var list = encoder.container(keyedBy: ListKeys.self)
        switch self {
        case .properties(let properties): try properties.encode(to: encoder)
        case .location(let fix): try fix.encode(to: encoder)
        case .wifiScan(let readings): try list.encode(readings, forKey: .accessPoints)
        case .beacons(let readings): try list.encode(readings, forKey: .beacons)
        case .cellTowers(let readings): try list.encode(readings, forKey: .cells)
        case .usage(let usage): try usage.encode(to: encoder)
        case .connection(let state): try list.encode(state, forKey: .state)
        case .sos: break
        }
    }

    /// The most readings one scan may carry.
    public static let maxReadingsPerScan = 100

    private static func validatedList<Reading>(
        _ readings: [Reading],
        field: String,
        validate: (Reading) throws(TelemetryRejection) -> Reading
    ) throws(TelemetryRejection) -> [Reading] {
        guard !readings.isEmpty else { throw TelemetryRejection(field: field, "must not be empty") }
        guard readings.count <= Self.maxReadingsPerScan else {
            throw TelemetryRejection(field: field, "must hold at most \(Self.maxReadingsPerScan) readings")
        }
        var valid: [Reading] = []
        valid.reserveCapacity(readings.count)
        for (index, reading) in readings.enumerated() {
            do {
                valid.append(try validate(reading))
            } catch {
                // Name the element: `aps[2].rssi`.
                throw TelemetryRejection(field: "\(field)[\(index)].\(error.field ?? "")", error.detail)
            }
        }
        return valid
    }
}

extension UUID {
    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case). Foundation's parser goes
    /// through `sscanf` on Linux, which showed in ingest profiles; this one is a table-free loop.
    init?(fastParsing text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        var position = 0
        for byte in text.utf8 {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard position == 36, bytes.count == 16 else { return nil }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}

extension CodingUserInfoKey {
    /// Set to `true` when decoding a payload the store wrote itself: it was validated on the way in.
    public static let storedTelemetryPayload = CodingUserInfoKey(rawValue: "tether.storedTelemetryPayload")!
}

// MARK: - Validation

/// Field checks shared by the readings; each throws a rejection naming the field.
enum TelemetryCheck {
    /// Checks `value` when present (an absent optional field passes).
    static func range<Value: Comparable>(
        _ value: Value?,
        _ range: ClosedRange<Value>,
        field: String
    ) throws(TelemetryRejection) {
        guard let value else { return }
        guard range.contains(value) else {
            throw TelemetryRejection(field: field, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    /// Checks `value` when present (an absent optional field passes).
    static func finite(_ value: Double?, _ range: ClosedRange<Int>, field: String) throws(TelemetryRejection) {
        guard let value else { return }
        guard value.isFinite else { throw TelemetryRejection(field: field, "must be a finite number") }
        guard value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw TelemetryRejection(field: field, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    /// The latest time an event may carry: the end of year 9999, so every day has a 4-digit year.
    static let latestMilliseconds: Int64 = 253_402_300_799_999

    /// Milliseconds since 1970, after 1970 and before the year 10000.
    static func epochMilliseconds(_ value: Int64, field: String) throws(TelemetryRejection) {
        guard value > 0, value <= Self.latestMilliseconds else {
            throw TelemetryRejection(
                field: field,
                "must be milliseconds since 1970, from 1 to \(Self.latestMilliseconds)"
            )
        }
    }

    /// A short label: 1…64 characters, no control characters.
    static func label(_ text: String?, field: String) throws(TelemetryRejection) {
        guard let text else { return }
        guard !text.isEmpty, text.count <= 64 else {
            throw TelemetryRejection(field: field, "must be 1-64 characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw TelemetryRejection(field: field, "must not contain control characters")
        }
    }
}

extension TelemetryRejection {
    /// The rejection's text after the field name.
    var detail: String {
        guard let field, self.reason.hasPrefix(field + " ") else { return self.reason }
        return String(self.reason.dropFirst(field.count + 1))
    }
}

extension DeviceProperties {
    func validated() throws(TelemetryRejection) -> DeviceProperties {
        try TelemetryCheck.label(self.model, field: "model")
        try TelemetryCheck.label(self.hardwareVersion, field: "hw_version")
        try TelemetryCheck.label(self.softwareVersion, field: "sw_version")
        try TelemetryCheck.range(self.signalDBm, -150...0, field: "signal_dbm")
        try TelemetryCheck.range(self.batteryPercent, 0...100, field: "battery_pct")
        if let ip = self.ipAddress,
            ip.isEmpty || ip.count > 45 || !ip.allSatisfy({ ($0.isASCII && $0.isHexDigit) || ".:".contains($0) })
        {
            throw TelemetryRejection(field: "ip", "must be an IPv4 or IPv6 address")
        }
        guard self != DeviceProperties() else {
            throw TelemetryRejection(field: nil, "a properties event must carry at least one property")
        }
        return self
    }
}

extension LocationFix {
    func validated() throws(TelemetryRejection) -> LocationFix {
        try TelemetryCheck.finite(self.latitude, -90...90, field: "lat")
        try TelemetryCheck.finite(self.longitude, -180...180, field: "lon")
        try TelemetryCheck.finite(self.accuracyMeters, 0...1_000_000, field: "accuracy_m")
        try TelemetryCheck.finite(self.speedMetersPerSecond, 0...1_000, field: "speed_mps")
        if let heading = self.headingDegrees, !(heading.isFinite && heading >= 0 && heading < 360) {
            throw TelemetryRejection(field: "heading_deg", "must be at least 0 and below 360")
        }
        return self
    }
}

extension WiFiAccessPointReading {
    func validated() throws(TelemetryRejection) -> WiFiAccessPointReading {
        let octets = self.bssid.split(separator: ":", omittingEmptySubsequences: false)
        guard octets.count == 6, octets.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isHexDigit } })
        else {
            throw TelemetryRejection(field: "bssid", "must be a MAC address like aa:bb:cc:dd:ee:ff")
        }
        try TelemetryCheck.range(self.rssi, -150...0, field: "rssi")
        try TelemetryCheck.range(self.frequencyMHz, 1...100_000, field: "freq_mhz")
        var reading = self
        reading.bssid = self.bssid.lowercased()
        return reading
    }
}

extension BeaconReading {
    func validated() throws(TelemetryRejection) -> BeaconReading {
        guard self.uuid != nil || self.address != nil else {
            throw TelemetryRejection(field: "uuid", "or address is required")
        }
        if let uuid = self.uuid, UUID(uuidString: uuid) == nil {
            throw TelemetryRejection(field: "uuid", "must be a UUID")
        }
        try TelemetryCheck.label(self.address, field: "address")
        try TelemetryCheck.range(self.major, 0...65_535, field: "major")
        try TelemetryCheck.range(self.minor, 0...65_535, field: "minor")
        try TelemetryCheck.range(self.rssi, -150...0, field: "rssi")
        return self
    }
}

extension CellTowerReading {
    func validated() throws(TelemetryRejection) -> CellTowerReading {
        try TelemetryCheck.range(self.mcc, 0...999, field: "mcc")
        try TelemetryCheck.range(self.mnc, 0...999, field: "mnc")
        try TelemetryCheck.range(self.lac, 0...65_535, field: "lac")
        try TelemetryCheck.range(self.tac, 0...16_777_215, field: "tac")
        try TelemetryCheck.range(self.cellID, 0...(1 << 36), field: "cell_id")
        try TelemetryCheck.range(self.rssi, -150...0, field: "rssi")
        return self
    }
}

extension UsageRecord {
    func validated() throws(TelemetryRejection) -> UsageRecord {
        try TelemetryCheck.label(self.function, field: "function")
        try TelemetryCheck.label(self.operation, field: "operation")
        try TelemetryCheck.epochMilliseconds(self.startMilliseconds, field: "start_ms")
        try TelemetryCheck.range(self.durationMilliseconds, 0...86_400_000, field: "duration_ms")
        return self
    }
}
