import Foundation
import PropertyBased
import Testing
import TetherCore

/// `TelemetryBatchDecoder` against the wire contract of `/work/shared/WIRE.md`: every kind, per-event
/// rejection by field, batch-level errors and an encode → decode round trip.
struct TelemetryDecodingTests {
    /// The WIRE.md example batch, with real UUIDs where the contract elides them.
    static let wireExample = """
        {"events": [
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b01", "ts": 1763880000000, "kind": "location",
           "lat": 52.52, "lon": 13.405, "accuracy_m": 8.0, "source": "gnss"},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b02", "ts": 1763880001000, "kind": "connection",
           "state": "disconnected"},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b03", "ts": 1763880002000, "kind": "properties",
           "model": "TAG-1", "hw_version": "1.2", "sw_version": "3.4.1", "signal_dbm": -67, "battery_pct": 81},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b04", "ts": 1763880003000, "kind": "usage",
           "function": "find", "operation": "ring", "start_ms": 1763880003000, "duration_ms": 4000},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b05", "ts": 1763880004000, "kind": "wifi_scan",
           "aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60, "freq_mhz": 2437}]},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b06", "ts": 1763880005000, "kind": "cell_towers",
           "cells": [{"mcc": 262, "mnc": 1, "tac": 4711, "cell_id": 123456, "rssi": -85}]},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b07", "ts": 1763880006000, "kind": "beacons",
           "beacons": [{"uuid": "f7826da6-4fa2-4e98-8024-bc5b71e0893e", "major": 1, "minor": 2, "rssi": -70}]},
          {"event_id": "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b08", "ts": 1763880007000, "kind": "sos"}
        ]}
        """

    @Test
    func everyKindDecodesFromTheWireExample() throws {
        let events = try decode(Self.wireExample).map { try $0.get() }
        // The payloads, read by hand from the JSON above.
        let expected: [TelemetryPayload] = [
            .location(LocationFix(latitude: 52.52, longitude: 13.405, accuracyMeters: 8, source: .gnss)),
            .connection(.disconnected),
            .properties(
                DeviceProperties(
                    model: "TAG-1",
                    hardwareVersion: "1.2",
                    softwareVersion: "3.4.1",
                    signalDBm: -67,
                    batteryPercent: 81
                )
            ),
            .usage(
                UsageRecord(
                    function: "find",
                    operation: "ring",
                    startMilliseconds: 1_763_880_003_000,
                    durationMilliseconds: 4_000
                )
            ),
            .wifiScan([WiFiAccessPointReading(bssid: "aa:bb:cc:dd:ee:ff", rssi: -60, frequencyMHz: 2_437)]),
            .cellTowers([CellTowerReading(mcc: 262, mnc: 1, tac: 4_711, cellID: 123_456, rssi: -85)]),
            .beacons([BeaconReading(uuid: "f7826da6-4fa2-4e98-8024-bc5b71e0893e", major: 1, minor: 2, rssi: -70)]),
            .sos,
        ]
        #expect(events.map(\.payload) == expected)
        #expect(Set(events.map(\.kind)) == Set(TelemetryKind.allCases))
        for (index, event) in events.enumerated() {
            #expect(event.timestamp == 1_763_880_000_000 + Int64(index) * 1_000)
            #expect(event.id == UUID(uuidString: "5d0c1f6e-7b1a-4c3e-9a57-0f6c2d1e8b0\(index + 1)"))
        }
    }

    @Test
    func anUnknownKindIsRejectedByItsKindField() throws {
        let slots = try decode(batch([sos, event("teleport", #""to": "mars""#), sos]))
        let rejection = try #require(slots[1].rejection)
        #expect(rejection.field == "kind")
        #expect(rejection.reason.hasPrefix("kind 'teleport' is not a known kind"))
        #expect(slots[0].event?.kind == .sos)
        #expect(slots[2].event?.kind == .sos)
    }

    /// One bad event between two good ones, and the field its rejection must name (`nil`: the event as a whole).
    static let badEvents: [(String, String?)] = [
        (event("location", #""lat": 95, "lon": 13.4, "accuracy_m": 8, "source": "gnss""#), "lat"),
        (event("location", #""lat": -90.5, "lon": 13.4, "accuracy_m": 8, "source": "gnss""#), "lat"),
        (event("location", #""lat": 52, "lon": 180.1, "accuracy_m": 8, "source": "gnss""#), "lon"),
        (event("location", #""lat": 52, "lon": 13.4, "source": "gnss""#), "accuracy_m"),
        (event("location", #""lat": 52, "lon": 13.4, "accuracy_m": -1, "source": "gnss""#), "accuracy_m"),
        (event("location", #""lat": "52.5", "lon": 13.4, "accuracy_m": 8, "source": "gnss""#), "lat"),
        (event("location", #""lat": null, "lon": 13.4, "accuracy_m": 8, "source": "gnss""#), "lat"),
        (event("location", #""lat": 52, "lon": 13.4, "accuracy_m": 8, "source": "psychic""#), "source"),
        (
            event("location", #""lat": 52, "lon": 13.4, "accuracy_m": 8, "source": "gnss", "heading_deg": 360"#),
            "heading_deg"
        ),
        (event("wifi_scan", #""aps": [{"bssid": "aa:bb:cc:dd:ee", "rssi": -60}]"#), "aps[0].bssid"),
        (event("wifi_scan", #""aps": [{"bssid": "gg:bb:cc:dd:ee:ff", "rssi": -60}]"#), "aps[0].bssid"),
        (
            event(
                "wifi_scan",
                #""aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60}, {"bssid": "aa:bb:cc:dd:ee:01", "rssi": 5}]"#
            ), "aps[1].rssi"
        ),
        (
            event(
                "wifi_scan",
                #""aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60}, {"bssid": "aa:bb:cc:dd:ee:01", "rssi": "loud"}]"#
            ), "aps[1].rssi"
        ),
        (event("wifi_scan", #""aps": [{"bssid": "aa:bb:cc:dd:ee:ff"}]"#), "aps[0].rssi"),
        (event("wifi_scan", #""aps": []"#), "aps"),
        (event("wifi_scan", ""), "aps"),
        (event("wifi_scan", #""aps": {"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60}"#), "aps"),
        (event("cell_towers", #""cells": [{"mcc": 1000, "mnc": 1, "cell_id": 1}]"#), "cells[0].mcc"),
        (event("beacons", #""beacons": [{"major": 1, "rssi": -70}]"#), "beacons[0].uuid"),
        (event("beacons", #""beacons": [{"uuid": "nope", "rssi": -70}]"#), "beacons[0].uuid"),
        (event("connection", #""state": "maybe""#), "state"),
        (event("properties", #""battery_pct": 101"#), "battery_pct"),
        (event("properties", #""model": """#), "model"),
        (event("properties", #""sw_version": "3.4\u0000""#), "sw_version"),
        (event("properties", #""ip": "10.0.0.1; DROP""#), "ip"),
        (event("properties", #""unknown_only": 1"#), nil),
        (event("usage", #""function": "find", "operation": "ring", "start_ms": 1, "duration_ms": -1"#), "duration_ms"),
        (event("usage", #""operation": "ring", "start_ms": 1, "duration_ms": 1"#), "function"),
        (event("usage", #""function": "find", "operation": "ring", "start_ms": 0, "duration_ms": 1"#), "start_ms"),
        (
            event("usage", #""function": "find", "operation": "ring", "start_ms": 253402300800000, "duration_ms": 1"#),
            "start_ms"
        ),
        (#"{"ts": 1763880007000, "kind": "sos"}"#, "event_id"),
        (#"{"event_id": "not-a-uuid", "ts": 1763880007000, "kind": "sos"}"#, "event_id"),
        (#"{"event_id": 42, "ts": 1763880007000, "kind": "sos"}"#, "event_id"),
        (#"{"event_id": "\#(UUID())", "ts": 0, "kind": "sos"}"#, "ts"),
        (#"{"event_id": "\#(UUID())", "ts": "now", "kind": "sos"}"#, "ts"),
        // After 9999-12-31T23:59:59.999Z: a day would need a five-digit year.
        (#"{"event_id": "\#(UUID())", "ts": 253402300800000, "kind": "sos"}"#, "ts"),
        (#"{"event_id": "\#(UUID())", "ts": 1763880007000}"#, "kind"),
        ("42", nil),
        (#""sos""#, nil),
        ("[]", nil),
        ("null", nil),
    ]

    @Test(arguments: badEvents)
    func oneBadEventIsRejectedAloneByIndexAndField(bad: String, field: String?) throws {
        let good = [event("connection", #""state": "connected""#), sos]
        let slots = try decode(batch([good[0], bad, good[1]]))
        #expect(slots.count == 3)
        let rejection = try #require(slots[1].rejection, "decoded: \(bad)")
        #expect(rejection.field == field)
        if let field {
            // The reason reads as a sentence that starts with the field.
            #expect(rejection.reason.hasPrefix(field + " "))
        }
        #expect(slots[0].event?.payload == .connection(.connected))
        #expect(slots[2].event?.payload == .sos)
    }

    /// Numbers that are valid JSON but do not fit the field's type.
    @Test(arguments: [
        (#""ts": 1763880000000.5, "kind": "sos""#, "ts"),
        (#""ts": 1e30, "kind": "sos""#, "ts"),
        (#""ts": 1, "kind": "wifi_scan", "aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60.5}]"#, "aps[0].rssi"),
        (#""ts": 1, "kind": "location", "lat": 1e400, "lon": 1, "accuracy_m": 1, "source": "gnss""#, "lat"),
    ])
    func aNumberThatDoesNotFitItsFieldRejectsOnlyThatEvent(fields: String, field: String) throws {
        let bad = #"{"event_id": "\#(UUID())", \#(fields)}"#
        let slots = try decode(batch([sos, bad, sos]))
        // Foundation's decoder reports these without a coding path, so the field may be unnamed;
        // what matters is that only this event is rejected.
        let rejection = try #require(slots[1].rejection)
        #expect(rejection.field == nil || rejection.field == field)
        #expect(slots[0].event != nil && slots[2].event != nil)
    }

    @Test
    func fullWidthDigitsAreNoMACAddress() throws {
        // `Character.isHexDigit` accepts the full-width forms U+FF10… as well.
        let slots = try decode(batch([event("wifi_scan", #""aps": [{"bssid": "ＡＡ:bb:cc:dd:ee:ff", "rssi": -60}]"#)]))
        #expect(slots[0].rejection?.field == "aps[0].bssid")
    }

    @Test
    func aScanOverTheReadingLimitIsRejected() throws {
        let aps = (0...TelemetryPayload.maxReadingsPerScan).map { index in
            #"{"bssid": "aa:bb:cc:dd:\#(hex(index / 256)):\#(hex(index % 256))", "rssi": -60}"#
        }
        let slots = try decode(batch([event("wifi_scan", #""aps": [\#(aps.joined(separator: ","))]"#)]))
        #expect(slots[0].rejection?.field == "aps")
        let allowed = aps.dropLast().joined(separator: ",")
        #expect(try decode(batch([event("wifi_scan", #""aps": [\#(allowed)]"#)]))[0].event != nil)
    }

    @Test(arguments: [
        "", "not json", "{", "null", "42", "[]", "{}", #"{"event": []}"#, #"{"events": {}}"#, #"{"events": null}"#,
        #"{"events": "x"}"#, #"[{"events": []}]"#,
    ])
    func aBodyThatIsNotAnObjectWithAnEventsArrayIsMalformed(body: String) {
        #expect(decodeError(body)?.code == "malformed_body")
    }

    @Test
    func timesFromTheFirstMillisecondToTheEndOfYear9999AreAccepted() throws {
        for ts in [Int64(1), 253_402_300_799_999] {
            let usage = #""function": "find", "operation": "ring", "start_ms": \#(ts), "duration_ms": 0"#
            let decoded = try #require(try decode(batch([event("usage", usage, ts: ts)]))[0].event)
            #expect(decoded.timestamp == ts)
            #expect(
                decoded.payload
                    == .usage(
                        UsageRecord(function: "find", operation: "ring", startMilliseconds: ts, durationMilliseconds: 0)
                    )
            )
        }
    }

    @Test
    func anEmptyEventsArrayIsNoEvents() throws {
        #expect(try decode(#"{"events": []}"#).isEmpty)
    }

    @Test
    func moreThanMaxEventsIsRefusedAsAWhole() throws {
        #expect(decodeError(batch(Array(repeating: sos, count: 4)), maxEvents: 3)?.code == "too_many_events")
        #expect(try decode(batch(Array(repeating: sos, count: 3)), maxEvents: 3).count == 3)
        // The default limit is the contract's 1,000 events; invalid events count as well.
        #expect(try decode(batch(Array(repeating: sos, count: 1_000))).count == 1_000)
        #expect(decodeError(batch(Array(repeating: sos, count: 1_001)))?.code == "too_many_events")
        #expect(decodeError(batch(Array(repeating: "42", count: 1_001)))?.code == "too_many_events")
    }

    @Test
    func unknownFieldsAreIgnoredAtEveryLevel() throws {
        let plain = #""aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60}]"#
        let extra = """
            "aps": [{"bssid": "aa:bb:cc:dd:ee:ff", "rssi": -60, "ssid": "cafe", "seen": [1, 2]}],
            "note": "firmware 3", "debug": {"heap": 1024, "tags": ["a"]}, "lat": "not a number here"
            """
        let id = UUID()
        let slots = try decode(batch([event("wifi_scan", plain, id: id), event("wifi_scan", extra, id: id)]))
        #expect(slots[0].event != nil)
        #expect(slots[1].event == slots[0].event)
    }

    @Test
    func bssidsAreNormalisedToLowerCase() throws {
        let slots = try decode(batch([event("wifi_scan", #""aps": [{"bssid": "AA:Bb:cC:DD:EE:0F", "rssi": -60}]"#)]))
        #expect(slots[0].event?.payload == .wifiScan([WiFiAccessPointReading(bssid: "aa:bb:cc:dd:ee:0f", rssi: -60)]))
    }

    @Test
    func upperCaseEventIDsAreTheSameID() throws {
        let id = UUID()
        let upper = try decode(batch([event("sos", "", id: id, uppercased: true)]))
        #expect(upper[0].event?.id == id)
    }

    @Test(arguments: TelemetryKind.allCases)
    func encodedEventsDecodeToThemselves(kind: TelemetryKind) async {
        switch kind {
        case .properties: await roundTrips(WireGen.properties)
        case .location: await roundTrips(WireGen.location)
        case .wifiScan: await roundTrips(WireGen.wifiScan)
        case .beacons: await roundTrips(WireGen.beacons)
        case .cellTowers: await roundTrips(WireGen.cellTowers)
        case .usage: await roundTrips(WireGen.usage)
        case .connection: await roundTrips(WireGen.connection)
        case .sos: await roundTrips(Gen.always(TelemetryPayload.sos))
        }
    }

    /// Encodes events with `payloads` through `JSONEncoder`, then decodes them as a batch.
    private func roundTrips<Input>(_ payloads: Generator<TelemetryPayload, some Sequence<Input>>) async {
        await propertyCheck(input: WireGen.uuid, Gen.int64(in: 1...4_102_444_800_000), payloads) { id, ts, payload in
            let event = TelemetryEvent(id: id, timestamp: ts, payload: payload)
            let json = String(decoding: try JSONEncoder().encode(event), as: UTF8.self)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(object["kind"] as? String == payload.kind.rawValue)
            #expect(object["event_id"] as? String == id.uuidString.lowercased())
            let slots = try decode(batch([json]))
            #expect(slots.count == 1)
            #expect(slots[0].event == event, "\(json)")
        }
    }
}

// MARK: - Helpers

/// An event of `kind` with `fields` (JSON members without braces).
private func event(
    _ kind: String,
    _ fields: String,
    id: UUID = UUID(),
    ts: Int64 = 1_763_880_000_000,
    uppercased: Bool = false
) -> String {
    let idText = uppercased ? id.uuidString.uppercased() : id.uuidString.lowercased()
    let rest = fields.isEmpty ? "" : ", " + fields
    return #"{"event_id": "\#(idText)", "ts": \#(ts), "kind": "\#(kind)"\#(rest)}"#
}

private let sos = event("sos", "")

/// Two lower-case hex digits.
private func hex(_ byte: Int) -> String {
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
}

private func batch(_ events: [String]) -> String {
    #"{"events": [\#(events.joined(separator: ",\n"))]}"#
}

private func decode(_ body: String, maxEvents: Int = 1_000) throws -> [Result<TelemetryEvent, TelemetryRejection>] {
    try TelemetryBatchDecoder(maxEvents: maxEvents).decode(Data(body.utf8))
}

/// The error decoding `body` throws, `nil` when it decodes.
private func decodeError(_ body: String, maxEvents: Int = 1_000) -> TetherError? {
    do {
        _ = try TelemetryBatchDecoder(maxEvents: maxEvents).decode(Data(body.utf8))
        return nil
    } catch {
        return error
    }
}

extension Result<TelemetryEvent, TelemetryRejection> {
    fileprivate var event: TelemetryEvent? { try? self.get() }

    fileprivate var rejection: TelemetryRejection? {
        guard case .failure(let rejection) = self else { return nil }
        return rejection
    }
}

/// Generators of valid payloads: every value inside the ranges `TelemetryEvent+Wire.swift` accepts.
private enum WireGen {
    static let uuid = zip(Gen.uint64(), Gen.uint64()).map { high, low in
        withUnsafeBytes(of: (high, low)) { raw in
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &bytes) { $0.copyBytes(from: raw) }
            return UUID(uuid: bytes)
        }
    }

    /// 1…64 characters, some outside ASCII, none of them control characters.
    static let label = Gen.element(of: Array("abcXYZ019 .-_/éß漢😀")).map { $0! }.string(of: 1...64)
    static let rssi = Gen.int(in: -150...0)
    static let milliseconds = Gen.int64(in: 1...4_102_444_800_000)

    static let properties = zip(
        label.optional,
        label.optional,
        label.optional,
        rssi.optional,
        Gen.int(in: 0...100).optional,
        Gen.element(of: Array("0123456789abcdefABCDEF.:")).map { $0! }.string(of: 1...45).optional
    )
    .map { model, hardware, software, signal, battery, ip in
        DeviceProperties(
            model: model,
            hardwareVersion: hardware,
            softwareVersion: software,
            signalDBm: signal,
            batteryPercent: battery,
            ipAddress: ip
        )
    }
    .filter { $0 != DeviceProperties() }  // a properties event carries at least one
    .map(TelemetryPayload.properties)

    static let location = zip(
        Gen.double(in: -90...90),
        Gen.double(in: -180...180),
        Gen.double(in: 0...1_000_000),
        Gen.element(of: LocationSource.allCases).map { $0! },
        Gen.double(in: 0...1_000).optional,
        Gen.double(in: 0..<360).optional
    )
    .map { latitude, longitude, accuracy, source, speed, heading in
        TelemetryPayload.location(
            LocationFix(
                latitude: latitude,
                longitude: longitude,
                accuracyMeters: accuracy,
                source: source,
                speedMetersPerSecond: speed,
                headingDegrees: heading
            )
        )
    }

    static let wifiScan = zip(Gen.uint64(in: 0...0xFFFF_FFFF_FFFF), rssi, Gen.int(in: 1...100_000).optional)
        .map { mac, rssi, frequency in
            // Lower case already: decoding normalises, so upper case would not read back equal.
            let bssid = (0..<6).reversed().map { hex(Int((mac >> (8 * UInt64($0))) & 0xFF)) }
            return WiFiAccessPointReading(bssid: bssid.joined(separator: ":"), rssi: rssi, frequencyMHz: frequency)
        }
        .array(of: 1...TelemetryPayload.maxReadingsPerScan)
        .map(TelemetryPayload.wifiScan)

    static let beacons = zip(
        uuid.map(\.uuidString).optional,
        Gen.int(in: 0...65_535).optional,
        Gen.int(in: 0...65_535).optional,
        label.optional,
        rssi
    )
    .map { uuid, major, minor, address, rssi in
        BeaconReading(uuid: uuid, major: major, minor: minor, address: address, rssi: rssi)
    }
    .filter { $0.uuid != nil || $0.address != nil }
    .array(of: 1...20)
    .map(TelemetryPayload.beacons)

    static let cellTowers = zip(
        Gen.int(in: 0...999),
        Gen.int(in: 0...999),
        Gen.int(in: 0...65_535).optional,
        Gen.int(in: 0...16_777_215).optional,
        Gen.int64(in: 0...(1 << 36)),
        rssi.optional
    )
    .map { mcc, mnc, lac, tac, cell, rssi in
        CellTowerReading(mcc: mcc, mnc: mnc, lac: lac, tac: tac, cellID: cell, rssi: rssi)
    }
    .array(of: 1...20)
    .map(TelemetryPayload.cellTowers)

    static let usage = zip(label, label, milliseconds, Gen.int64(in: 0...86_400_000))
        .map { function, operation, start, duration in
            TelemetryPayload.usage(
                UsageRecord(
                    function: function,
                    operation: operation,
                    startMilliseconds: start,
                    durationMilliseconds: duration
                )
            )
        }

    static let connection = Gen.element(of: ConnectionState.allCases).map { TelemetryPayload.connection($0!) }
}
