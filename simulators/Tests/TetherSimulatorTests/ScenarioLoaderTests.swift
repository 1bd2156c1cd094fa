import Foundation
import Testing
import TetherGeo
import TetherSimulator

/// Reading scenario files: what they mean, and a clear error naming the field when they are wrong.
@Suite struct ScenarioLoaderTests {
    static let minimalJSON = """
        {"start": "2026-01-12T08:00:00Z",
         "owners": [{"name": "ada", "devices": [{"name": "phone", "kind": "phone"}]}]}
        """

    static func minimal() throws -> Scenario {
        try ScenarioLoader.decode(Data(Self.minimalJSON.utf8), file: "minimal.json")
    }

    static func device(_ json: String) throws -> ScenarioDevice {
        try JSONDecoder().decode(ScenarioDevice.self, from: Data(json.utf8))
    }

    /// The error `json` gives, as `file: field: problem`.
    func error(_ json: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.decode(Data(json.utf8), file: "bad.json")
            return nil
        } catch {
            return error
        }
    }

    /// A scenario with `device` as ada's second device, and `extra` top-level fields.
    func scenario(
        device: String = #"{"name": "tag", "kind": "tracker"}"#,
        owner: String = "",
        extra: String = ""
    )
        -> String
    {
        """
        {"start": "2026-01-12T08:00:00Z", "places": {"home": {"lat": 52.52, "lon": 13.405}}\(extra),
         "owners": [{"name": "ada"\(owner), "devices": [{"name": "phone", "kind": "phone"}, \(device)]}]}
        """
    }

    @Test func aScenarioReadsWithItsDefaults() throws {
        let scenario = try ScenarioLoader.decode(
            Data(
                self.scenario(
                    device: #"""
                        {"name": "tag", "kind": "tracker", "rules": {"distance": "50m", "repeat": "off"},
                         "track": {"start": {"place": "home", "east": "100m"}, "legs": [{"stay": "90s"}, {"to": "home", "speed": "5km/h"}]},
                         "events": [{"at": "1m", "kind": "connection", "state": "disconnected"}, {"at": "2m", "kind": "sos"}]}
                        """#,
                    owner: #", "rules": {"dwell": "2m", "silent_after": "1h30m", "low_battery": 20}"#,
                    extra:
                        #", "expect": {"alerts": [{"kind": "anti_lost", "device": "tag", "from": "1m", "to": "3m"}]}"#
                ).utf8
            ),
            file: "walk.json"
        )
        #expect(scenario.name == "walk")
        #expect(scenario.start == .instant(Date(timeIntervalSince1970: 1_768_204_800)))
        let owner = scenario.owners[0]
        #expect(owner.email == "ada@sim.example.org")
        #expect(owner.rules?.dwellSeconds == 120)
        #expect(owner.rules?.silentAfterSeconds == 5_400)
        #expect(owner.rules?.lowBattery == 20)
        let tag = owner.devices[1]
        #expect(tag.serial == "TAG")
        #expect(tag.rules?.distance == 50)
        #expect(tag.rules?.repeatSeconds == 0)
        let track = try #require(tag.track)
        #expect(abs(Earth.distance(track.start, try Coordinate(latitude: 52.52, longitude: 13.405)) - 100) < 0.01)
        guard case .moveTo(_, let speed) = track.legs[1].motion else {
            Issue.record("the second leg moves")
            return
        }
        #expect(abs(speed - 5 / 3.6) < 1e-9)
        #expect(tag.events == [TimedEvent(at: 60_000, .connection(connected: false)), TimedEvent(at: 120_000, .sos)])
        let expected = scenario.expect.alerts[0]
        #expect(expected.from == 60_000 && expected.to == 180_000 && !expected.suppressed)
        #expect(scenario.expect.noOtherAlerts)
    }

    @Test func measuresReadAsPeopleWriteThem() {
        #expect(Measure.milliseconds("90s") == 90_000)
        #expect(Measure.milliseconds("1h30m") == 5_400_000)
        #expect(Measure.milliseconds("250ms") == 250)
        #expect(Measure.milliseconds("1.5s") == 1_500)
        #expect(Measure.milliseconds("2d") == 172_800_000)
        #expect(Measure.milliseconds("10") == nil)
        #expect(Measure.milliseconds("10 minutes") == nil)
        #expect(Measure.milliseconds("") == nil)
        #expect(Measure.meters("30m") == 30)
        #expect(Measure.meters("1.2km") == 1_200)
        #expect(Measure.meters("-40m") == nil)
        #expect(Measure.meters("-40m", allowNegative: true) == -40)
        #expect(Measure.metersPerSecond("36km/h") == 10)
        #expect(Measure.metersPerSecond("0") == nil)
    }

    @Test(arguments: [
        (
            #"{"name": "tag", "kind": "trackr"}"#,
            "owners[0].devices[1].kind",
            "'trackr' is not one of camera, earbuds, laptop, other, phone, power_bank, tracker, watch"
        ),
        (#"{"name": "tag"}"#, "owners[0].devices[1].kind", "is required"),
        (
            #"{"name": "tag", "kind": "tracker", "modle": "X"}"#,
            "owners[0].devices[1].modle",
            "unknown field (known: events, kind, model, name, rules, serial, track, upload)"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "rules": {"dwell": "60"}}"#,
            "owners[0].devices[1].rules.dwell",
            "must be a duration like 90s, 10m, 1h30m or 250ms, not '60'"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "track": {"start": "hom"}}"#,
            "owners[0].devices[1].track.start",
            "no place named 'hom' (places: home)"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "track": {"start": "home", "legs": [{"to": "home"}]}}"#,
            "owners[0].devices[1].track.legs[0].speed",
            "is required"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "track": {"start": "home", "legs": [{"stay": "1m", "to": "home"}]}}"#,
            "owners[0].devices[1].track.legs[0].to",
            "a leg needs exactly one of stay, to or random_walk"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "track": {"start": {"lat": 95, "lon": 13}}}"#,
            "owners[0].devices[1].track.start.lat",
            "must be a number from -90 to 90"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "events": [{"at": "1m", "kind": "properties", "battery_pct": 120}]}"#,
            "owners[0].devices[1].events[0].battery_pct",
            "must be between 0 and 100"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "upload": {"order": "random"}}"#,
            "owners[0].devices[1].upload.order",
            "'random' is not one of ordered, reversed, shuffled"
        ),
        (
            #"{"name": "phone", "kind": "tracker"}"#,
            "owners[0].devices[1].name",
            "'phone' names another device already; device names must be unique"
        ),
        (
            #"{"name": "tag", "kind": "tracker", "track": {"start": "home", "every": true}}"#,
            "owners[0].devices[1].track.every",
            "must be a string"
        ),
    ])
    func aBadDeviceNamesItsField(device: String, field: String, problem: String) throws {
        let error = try #require(self.error(self.scenario(device: device)))
        #expect(error.file == "bad.json")
        #expect(error.field == field)
        #expect(error.problem == problem)
        #expect(error.description == "bad.json: \(field): \(problem)")
    }

    @Test func badSettingsAndExpectationsNameTheirFields() throws {
        let fence =
            #", "fences": [{"name": "Home", "role": "safe", "circle": {"center": "home", "radius": "100m"}, "device": "tagg"}]"#
        #expect(
            self.error(self.scenario(owner: fence))?.description
                == "bad.json: owners[0].fences[0].device: ada has no device named 'tagg'"
        )
        let role = #", "fences": [{"name": "Home", "role": "home", "circle": {"center": "home", "radius": "100m"}}]"#
        #expect(self.error(self.scenario(owner: role))?.field == "owners[0].fences[0].role")
        let phone = #", "rules": {"phone": "tag"}"#
        #expect(
            self.error(self.scenario(owner: phone))?.description
                == "bad.json: owners[0].rules.phone: ada has no phone named 'tag'"
        )
        let expect = #", "expect": {"alerts": [{"kind": "anti_lost", "device": "tagg", "at": "1m"}]}"#
        #expect(
            self.error(self.scenario(extra: expect))?.description
                == "bad.json: expect.alerts[0].device: no device named 'tagg'"
        )
        let kind = #", "expect": {"alerts": [{"kind": "lost", "device": "tag", "at": "1m"}]}"#
        #expect(self.error(self.scenario(extra: kind))?.field == "expect.alerts[0].kind")
        let window = #", "expect": {"alerts": [{"kind": "sos", "device": "tag", "from": "3m", "to": "1m"}]}"#
        #expect(
            self.error(self.scenario(extra: window))?.description
                == "bad.json: expect.alerts[0].to: must not be before from"
        )
        let start = self.scenario().replacingOccurrences(of: "2026-01-12T08:00:00Z", with: "2026-01-12 08:00")
        #expect(self.error(start)?.field == "start")
        #expect(self.error(#"{"owners": []"#)?.description.hasPrefix("bad.json: is not valid JSON") == true)
        #expect(
            self.error(#"{"start": "now", "owners": []}"#)?.description
                == "bad.json: owners: must list at least one owner"
        )
        #expect(self.error(#"{"start": "now"}"#)?.description == "bad.json: owners: is required")
        let variant = #", "variants": [{"name": "late", "devices": {"tagg": {"batch_size": 1}}}]"#
        #expect(
            self.error(self.scenario(extra: variant))?.description
                == "bad.json: variants[0].devices: no device named 'tagg'"
        )
        let twice = #", "variants": [{"name": "a"}, {"name": "a"}]"#
        #expect(self.error(self.scenario(extra: twice))?.description == "bad.json: variants[1].name: 'a' is used twice")
        let circular = #"{"start": "now", "places": {"a": {"place": "b"}, "b": {"place": "a"}}, "owners": []}"#
        #expect(self.error(circular)?.description == "bad.json: places.a.place: places refer to each other in a circle")
    }

    @Test func everyShippedScenarioReads() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scenarios").standardizedFileURL
        let files = try ScenarioLoader.files(in: directory)
        #expect(files.count >= 10)
        // The known server issues (when there are any) are run by hand, but they must read too.
        let knownIssuesDirectory = directory.appendingPathComponent("known-issues")
        let knownIssues =
            FileManager.default.fileExists(atPath: knownIssuesDirectory.path)
            ? try ScenarioLoader.files(in: knownIssuesDirectory) : []
        for file in files + knownIssues {
            let scenario = try ScenarioLoader.load(contentsOf: file)
            #expect(!scenario.owners.isEmpty, "\(file.lastPathComponent)")
            #expect(scenario.description != nil, "\(file.lastPathComponent) says what it shows")
        }
    }
}
