import Foundation
import Testing
import TetherCore
import TetherStore

/// The JSON of account records (format 2, `protocols/sync.md`, "Account records"): what it
/// accepts, and the first thing it names when it refuses.
struct AccountRecordsFormatTests {
    static let account = AccountID(rawValue: "0f8fad5b-d9cb-469f-a165-70867728950e")

    /// An account with one device, a device state of every kind of value, and one telemetry event.
    static func moving() -> AccountRecords {
        var records = AccountRecords(purpose: .move)
        records[.account] = [
            AccountRecordSet.account.record(
                [
                    "id": .text(Self.account.rawValue), "email": .text("ada@example.org"),
                    "password_hash": .text("$2b$04$hash"), "signup_latitude": .real(52.52),
                    "created_at_ms": .integer(1_767_225_600_123),
                ])
        ]
        records[.devices] = [Self.device("device-1")]
        records[.alertSettings] = [
            AccountRecordSet.alertSettings.record(
                ["device_id": .text("device-1"), "dnd_enabled": .flag(true), "allowed_distance_m": .real(150.5)])
        ]
        records[.telemetryEvents] = [
            AccountRecordSet.telemetryEvents.record(
                [
                    "device_id": .text("device-1"), "event_id": .bytes(Data([0, 1, 254, 255])),
                    "ts_ms": .integer(Int64.max), "kind": .text("properties"), "received_ms": .integer(1),
                    "payload": .text(#"{"battery_pct":80}"#),
                ])
        ]
        return records
    }

    static func device(_ id: String) -> [String: AccountValue] {
        AccountRecordSet.devices.record(
            [
                "id": .text(id), "serial": .text("SN-\(id)"), "model": .text("TAG-1"), "kind": .text("tracker"),
                "name": .text("Keys"), "credential_hash": .text("hash-\(id)"), "paired_at_ms": .integer(0),
                "last_seen_ms": .integer(5),
            ])
    }

    /// `records`' JSON with `change` made to its object.
    static func edited(_ records: AccountRecords, _ change: (inout [String: Any]) -> Void) throws -> [UInt8] {
        var document = try #require(try JSONSerialization.jsonObject(with: Data(records.encoded())) as? [String: Any])
        change(&document)
        return Array(try JSONSerialization.data(withJSONObject: document))
    }

    static func refusal(_ bytes: [UInt8], for purpose: AccountRecords.Purpose = .move) -> AccountRecordsError? {
        #expect(throws: AccountRecordsError.self) { try AccountRecords.decode(bytes, for: purpose) }
    }

    @Test func recordsReadBackAsTheyWereWrittenWithDomainNames() throws {
        let records = Self.moving()
        let bytes = try records.encoded()
        #expect(try AccountRecords.decode(bytes, for: .move) == records)
        let json = String(decoding: bytes, as: UTF8.self)
        #expect(json.contains(#""format":2"#))
        #expect(json.contains(#""paired_at_ms":0"#) && json.contains(#""dnd_enabled":true"#))
        #expect(json.contains(#""event_id":"AAH+\/w==""#) || json.contains(#""event_id":"AAH+/w==""#))
        // Storage names stay out of it: tables, account and device number columns.
        for storage in ["alert_scope", "account_id", "\"device\":", "hw_version", "paired_at\""] {
            #expect(!json.contains(storage), "\(storage)")
        }
    }

    @Test func protocolOnesRowsAreRefusedNamingTheFormat() throws {
        let v1 = #"{"tables": {"account": [{"id": {"t": "0f8f"}, "email": {"t": "ada@example.org"}}]}}"#
        #expect(Self.refusal(Array(v1.utf8))?.path == "format")
        let later = try Self.edited(Self.moving()) { $0["format"] = 3 }
        #expect(Self.refusal(later)?.path == "format")
    }

    @Test func theFirstSetFieldOrValueNotAsTheFormatSaysIsNamed() throws {
        let records = Self.moving()
        let unknownSet = try Self.edited(records) { $0["pets"] = [] }
        #expect(Self.refusal(unknownSet)?.path == "pets")
        let unknownField = try Self.edited(records) { document in
            var devices = document["devices"] as! [[String: Any]]
            devices[0]["colour"] = "red"
            document["devices"] = devices
        }
        #expect(Self.refusal(unknownField)?.path == "devices[0].colour")
        let wrongKind = try Self.edited(records) { document in
            var devices = document["devices"] as! [[String: Any]]
            devices[0]["paired_at_ms"] = "2026-01-01"
            document["devices"] = devices
        }
        let wrong = Self.refusal(wrongKind)
        #expect(wrong?.path == "devices[0].paired_at_ms" && wrong?.problem == "must be Unix milliseconds")
        let missing = try Self.edited(records) { document in
            var account = document["account"] as! [String: Any]
            account["email"] = nil
            document["account"] = account
        }
        let required = Self.refusal(missing)
        #expect(required?.path == "account.email" && required?.problem == "is required")
        let noAccount = try Self.edited(records) { $0["account"] = nil }
        #expect(Self.refusal(noAccount)?.path == "account")
        let badBytes = try Self.edited(records) { document in
            var events = document["telemetry_events"] as! [[String: Any]]
            events[0]["event_id"] = "not base64!"
            document["telemetry_events"] = events
        }
        #expect(Self.refusal(badBytes)?.path == "telemetry_events[0].event_id")
    }

    @Test func aReplicasSettingsRecordHoldsNothingThatOnlyMoves() throws {
        var settings = AccountRecords(purpose: .replica)
        settings[.account] = Self.moving()[.account]
        settings[.devices] = [Self.device("device-1")].map { device in device.filter { $0.key != "last_seen_ms" } }
        #expect(try AccountRecords.decode(try settings.encoded(), for: .replica) == settings)
        // The moving account's document, with the sets only a move carries (the first named),
        // and a device's last-seen time.
        let moving = try Self.moving().encoded()
        #expect(Self.refusal(moving, for: .replica)?.path == "alerts")
        let lastSeen = try Self.edited(settings) { document in
            var devices = document["devices"] as! [[String: Any]]
            devices[0]["last_seen_ms"] = 5
            document["devices"] = devices
        }
        #expect(Self.refusal(lastSeen, for: .replica)?.path == "devices[0].last_seen_ms")
    }

    @Test func aRecordNamingADeviceOrAlertTheAccountLacksIsNamed() throws {
        var records = Self.moving()
        #expect(throws: Never.self) { try records.checkReferences() }
        records[.fences] = [
            AccountRecordSet.fences.record(
                [
                    "id": .text("fence-1"), "device_id": .text("device-of-another-account"), "name": .text("Home"),
                    "role": .text("safe_place"), "geojson": .text("{}"), "created_at_ms": .integer(0),
                ])
        ]
        let fence = #expect(throws: AccountRecordsError.self) { try records.checkReferences() }
        #expect(fence?.path == "fences[0].device_id")
        records[.fences] = []
        records[.webhookDeliveries] = [
            AccountRecordSet.webhookDeliveries.record(
                ["alert_id": .text("alert-elsewhere"), "attempts": .integer(0), "next_attempt_at_ms": .integer(0)])
        ]
        let delivery = #expect(throws: AccountRecordsError.self) { try records.checkReferences() }
        #expect(delivery?.path == "webhook_deliveries[0].alert_id")
    }

    @Test func everySetNamesItsFieldsOnceWithInstantsInMilliseconds() {
        for set in AccountRecordSet.moved {
            let names = set.fields.map(\.name)
            #expect(Set(names).count == names.count, "\(set.name)")
            for field in set.fields where field.kind == .instant {
                #expect(field.name.hasSuffix("_ms"), "\(set.name).\(field.name)")
            }
        }
        #expect(Set(AccountRecordSet.moved.map(\.name)).count == AccountRecordSet.moved.count)
    }
}
