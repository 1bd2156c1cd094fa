import PropertyBased
import Testing
import TetherCore

struct DurationSettingTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)),
        ("10m", .seconds(600)),
        ("12h", .seconds(43_200)),
        ("30d", .seconds(2_592_000)),
        ("250ms", .milliseconds(250)),
        ("0s", .zero),
        (" 5m ", .seconds(300)),
    ])
    func readsEachUnit(text: String, expected: Duration) throws {
        #expect(try Duration(setting: text) == expected)
    }

    @Test(arguments: ["", "10", "m", "ten minutes", "10 m", "10min", "-5s", "1.5h", "10M", "5w", "s10"])
    func rejectsOtherText(text: String) {
        #expect(invalidField { _ = try Duration(setting: text) } == "duration")
        #expect(invalidField { _ = try Duration(setting: text, field: "pairing-code-ttl") } == "pairing-code-ttl")
    }

    @Test(arguments: [
        (Duration.seconds(600), "10m"),
        (.seconds(90), "90s"),
        (.seconds(3_600), "1h"),
        (.seconds(86_400), "1d"),
        (.seconds(90_000), "25h"),
        (.milliseconds(250), "250ms"),
        (.milliseconds(1_500), "1500ms"),
        (.milliseconds(2_000), "2s"),
        (.zero, "0s"),
    ])
    func describesWithTheLargestWholeUnit(duration: Duration, expected: String) {
        #expect(duration.settingDescription == expected)
    }

    @Test
    func timeIntervalCountsFractions() {
        #expect(Duration.milliseconds(1_500).timeInterval == 1.5)
        #expect(Duration.seconds(600).timeInterval == 600)
    }

    @Test
    func settingDescriptionReadsBack() async {
        let units = Gen.element(of: ["ms", "s", "m", "h", "d"]).map { $0! }
        await propertyCheck(input: Gen.int(in: 0...100_000), units) { number, unit in
            let duration = try Duration(setting: "\(number)\(unit)")
            let description = duration.settingDescription
            #expect(try Duration(setting: description) == duration)
            #expect(description.count <= "\(number)\(unit)".count)
        }
    }

    @Test
    func anyWholeSecondCountReadsBack() async {
        await propertyCheck(input: Gen.int64(in: 0...10_000_000)) { seconds in
            let duration = Duration.seconds(seconds)
            let readBack = try Duration(setting: duration.settingDescription)
            #expect(readBack == duration)
        }
    }
}
