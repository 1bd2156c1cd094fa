import Foundation
import Testing
import TetherTesting

/// `tether dnd` against a real `tetherd`: weekly windows, snoozing, and the switch.
@Suite("tether dnd")
struct DoNotDisturbCLITests {
    @Test func windowsSnoozeAndSwitch() async throws {
        try await AlertsCLIServer.withRegistered("dnd@example.org") { cli, _ in
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "DND-T")
            let window = try #require(
                try await cli.json(
                    "dnd",
                    "add",
                    "--days",
                    "mon-fri",
                    "--from",
                    "22:00",
                    "--to",
                    "07:00",
                    "--tz",
                    "Europe/Berlin"
                ) as? [String: Any]
            )
            #expect(window["days"] as? [String] == ["mon", "tue", "wed", "thu", "fri"])
            #expect(window["tz"] as? String == "Europe/Berlin")
            let windowID = try #require(window["id"] as? String)
            let local = try #require(
                try await cli.json(
                    "dnd",
                    "add",
                    "--days",
                    "sat,sun",
                    "--from",
                    "10:00",
                    "--to",
                    "12:00",
                    "--device",
                    tracker.id
                )
                    as? [String: Any]
            )
            #expect(local["device_id"] as? String == tracker.id)
            #expect((local["tz"] as? String)?.isEmpty == false)  // this computer's zone

            let badZone = try await cli.run(
                "dnd",
                "add",
                "--days",
                "daily",
                "--from",
                "10:00",
                "--to",
                "11:00",
                "--tz",
                "Mars/Olympus_Mons"
            )
            #expect(badZone.status == 1)
            #expect(badZone.stderr.contains("tz"))
            let badTime = try await cli.run("dnd", "add", "--days", "daily", "--from", "25:00", "--to", "11:00")
            #expect(badTime.status == 1)
            #expect(badTime.stderr.contains("from"))

            let list = try #require(try await cli.json("dnd", "list") as? [String: Any])
            #expect(list["enabled"] as? Bool == true)
            #expect(list.keys.contains("snoozed_until") && list["snoozed_until"] is NSNull)
            #expect((list["windows"] as? [[String: Any]])?.map { $0["id"] as? String } == [windowID])
            let deviceList = try #require(try await cli.json("dnd", "list", "--device", tracker.id) as? [String: Any])
            #expect((deviceList["windows"] as? [Any])?.count == 1)

            let start = Date()
            let snoozed = try #require(try await cli.json("dnd", "snooze", "2h") as? [String: Any])
            let until = try #require(Self.date(snoozed["snoozed_until"]))
            // Two hours from when the command ran, whatever it took (to the second).
            #expect(until >= start.addingTimeInterval(7_200 - 1) && until <= Date().addingTimeInterval(7_200 + 1))
            let clock = try #require(
                try await cli.json("dnd", "snooze", "until", Self.localClock(at: start.addingTimeInterval(3_600)))
                    as? [String: Any]
            )
            // Whatever the zone, the local HH:MM an hour ahead is within a day, on the same minute.
            let untilClock = try #require(Self.date(clock["snoozed_until"]))
            #expect(untilClock > start && untilClock.timeIntervalSince(start) <= 86_400)
            let minuteOfHour = { (date: Date) -> Int in Int(date.timeIntervalSince1970) / 60 % 60 }
            #expect(minuteOfHour(untilClock) == minuteOfHour(start.addingTimeInterval(3_600)))
            let tooLong = try await cli.run("dnd", "snooze", "8d")
            #expect(tooLong.status == 1)
            #expect(tooLong.stderr.contains("snooze_for_s"))
            #expect(try await cli.run("dnd", "snooze", "until", "later").status == 64)
            let unsnoozed = try #require(try await cli.json("dnd", "unsnooze") as? [String: Any])
            #expect(unsnoozed["snoozed_until"] is NSNull)

            let off = try #require(try await cli.json("dnd", "off") as? [String: Any])
            #expect(off["enabled"] as? Bool == false)
            let on = try #require(try await cli.json("dnd", "on") as? [String: Any])
            #expect(on["enabled"] as? Bool == true)

            let removed = try #require(try await cli.json("dnd", "remove", windowID) as? [String: Any])
            #expect(removed["id"] as? String == windowID)
            let empty = try #require(try await cli.json("dnd", "list") as? [String: Any])
            #expect((empty["windows"] as? [Any])?.isEmpty == true)
            let text = try await cli.run("dnd", "list")
            #expect(text.stdout.contains("on") && text.stdout.contains("Not snoozed"))
        }
    }

    private static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { try? Date($0, strategy: .iso8601) }
    }

    /// The local wall-clock time of `date`, `HH:MM`, as `dnd snooze until` reads it.
    private static func localClock(at date: Date) -> String {
        let parts = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
