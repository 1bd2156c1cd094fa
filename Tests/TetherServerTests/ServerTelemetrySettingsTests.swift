import Foundation
import Testing
import TetherCore
import TetherServer
import TetherStore

/// The telemetry settings of `tetherd serve`: the timestamp window, retention and durability.
struct ServerTelemetrySettingsTests {
    @Test
    func defaultsApplyWhenNothingIsSet() throws {
        let settings = try ServerSettings(resolving: SettingSources())
        #expect(
            settings.config.timestampWindow == TimestampWindow(maxPast: .seconds(30 * 86_400), maxFuture: .seconds(300))
        )
        #expect(settings.config.telemetryRetention == .seconds(90 * 86_400))
        #expect(settings.config.aggregateRetention == .seconds(730 * 86_400))
        #expect(settings.durability == .processCrash)
    }

    @Test
    func everyTelemetryKeyIsReadFromFlagsEnvironmentAndFile() throws {
        let values = [
            "ts-max-past": "7d", "ts-max-future": "10m", "telemetry-retention": "30d", "aggregate-retention": "365d",
            "durability": "power-loss",
        ]
        #expect(Set(values.keys).isSubset(of: ServerSettings.keys))
        let environment = Dictionary(uniqueKeysWithValues: values.map { (SettingSources.environmentName(for: $0), $1) })
        for sources in [
            SettingSources(flags: values), SettingSources(environment: environment), SettingSources(file: values),
        ] {
            let settings = try ServerSettings(resolving: sources)
            #expect(
                settings.config.timestampWindow
                    == TimestampWindow(maxPast: .seconds(7 * 86_400), maxFuture: .seconds(600))
            )
            #expect(settings.config.telemetryRetention == .seconds(30 * 86_400))
            #expect(settings.config.aggregateRetention == .seconds(365 * 86_400))
            #expect(settings.durability == .powerLoss)
        }
        #expect(SettingSources.environmentName(for: "ts-max-past") == "TETHER_TS_MAX_PAST")
    }

    @Test
    func offOpensEitherSideOfTheTimestampWindow() throws {
        let past = try ServerSettings(resolving: SettingSources(flags: ["ts-max-past": "off"]))
        #expect(past.config.timestampWindow == TimestampWindow(maxPast: nil, maxFuture: .seconds(300)))
        let both = try ServerSettings(
            resolving: SettingSources(flags: ["ts-max-past": " off ", "ts-max-future": "off"])
        )
        #expect(both.config.timestampWindow == .unbounded)
    }

    @Test
    func anInvalidDurabilitySaysWhatIsAllowed() {
        let error = #expect(throws: TetherError.self) {
            try ServerSettings(resolving: SettingSources(flags: ["durability": "fsync"]))
        }
        #expect(error?.field == "durability")
        #expect(error?.detail.contains("process-crash") == true)
        #expect(error?.detail.contains("power-loss") == true)
    }
}
