import Foundation
import Testing
import TetherCore
import TetherDomain

/// The alert-settings rules both REST and settings sync apply: radii, snoozes, names, and the
/// records a merge would write.
struct AlertSettingsRulesTests {
    static func circle(radius: Double) -> Data {
        Data(
            #"{"type":"Feature","geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"radius_m":\#(radius)}}"#
                .utf8
        )
    }

    @Test(arguments: [0.0, -5, 0.5, 1_000_001, 2_000_000])
    func aRadiusOutOfRangeIsRefusedWhateverTheFormItCameIn(radius: Double) {
        let expected = TetherError.invalidField("circle.radius_m", "must be between 1 and 1000000 metres")
        #expect(throws: expected) {
            try AlertSettingsRules.circle(latitude: 52, longitude: 13, radius: radius, field: "circle")
        }
        #expect(
            throws: TetherError.invalidField("geojson.properties.radius_m", "must be between 1 and 1000000 metres")
        ) {
            try AlertSettingsRules.fenceShape(Self.circle(radius: radius), field: "geojson")
        }
    }

    @Test(arguments: [1.0, 80, 1_000_000])
    func aRadiusInRangeIsKept(radius: Double) throws {
        let feature = try AlertSettingsRules.fenceShape(Self.circle(radius: radius), field: "geojson")
        #expect(feature.contains("radius_m"))
    }

    @Test func aSnoozeIsAtMostSevenDaysFromWhenItWasSet() throws {
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        try AlertSettingsRules.snooze(until: now.addingTimeInterval(7 * 86_400), setAt: now, field: "snooze_until")
        #expect(throws: TetherError.invalidField("snooze_until", "must be at most 7 days ahead")) {
            try AlertSettingsRules.snooze(
                until: now.addingTimeInterval(7 * 86_400 + 1),
                setAt: now,
                field: "snooze_until"
            )
        }
        #expect(throws: TetherError.self) { try AlertSettingsRules.snooze(seconds: 0, field: "snooze_for_s") }
        #expect(throws: TetherError.self) {
            try AlertSettingsRules.snooze(seconds: 7 * 86_400 + 1, field: "snooze_for_s")
        }
        try AlertSettingsRules.snooze(seconds: 7 * 86_400, field: "snooze_for_s")
    }

    @Test func theCapsAreAThousandFencesAndAHundredWindows() {
        #expect(AlertSettingsRules.caps == AlertSettingsCaps(fences: 1_000, quietWindows: 100))
    }

    @Test func aMergedFenceNeedsEveryFieldAndAValidShape() throws {
        let shape = String(decoding: Self.circle(radius: 80), as: UTF8.self)
        let good: [String: SettingValue] = [
            "name": .string("Home"), "role": .string("safe"), "geojson": .string(shape),
        ]
        try AlertSettingsRules.syncedRecord((.fence, "fen_1"), good, field: "changes[0].record")
        var missing = good
        missing["role"] = nil
        #expect(throws: TetherError.self) {
            try AlertSettingsRules.syncedRecord((.fence, "fen_1"), missing, field: "changes[0].record")
        }
        var tooWide = good
        tooWide["geojson"] = .string(String(decoding: Self.circle(radius: 2_000_000), as: UTF8.self))
        do {
            try AlertSettingsRules.syncedRecord((.fence, "fen_1"), tooWide, field: "changes[0].record")
            Issue.record("a 2,000 km fence passed")
        } catch {
            #expect(error.field == "changes[0].record")
            #expect(error.detail.contains("radius_m must be between 1 and 1000000 metres"))
        }
    }

    @Test func aMergedWindowNeedsDistinctStartAndEndAndAZone() throws {
        let good: [String: SettingValue] = [
            "days": .string("1,5"), "start_minute": .integer(1_320), "end_minute": .integer(420),
            "time_zone": .string("Europe/Berlin"),
        ]
        try AlertSettingsRules.syncedRecord((.quietWindow, "dnd_1"), good, field: "changes[0].record")
        for (field, value) in [
            ("end_minute", SettingValue.integer(1_320)), ("time_zone", .string("Mars/Olympus")),
            ("days", .string("1,9")),
        ] {
            var bad = good
            bad[field] = value
            #expect(throws: TetherError.self) {
                try AlertSettingsRules.syncedRecord((.quietWindow, "dnd_1"), bad, field: "changes[0].record")
            }
        }
        #expect(AlertSettingsRules.isTimeZone("UTC"))
        #expect(!AlertSettingsRules.isTimeZone("Mars/Olympus"))
    }
}
