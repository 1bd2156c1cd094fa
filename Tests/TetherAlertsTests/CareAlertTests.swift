import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// Low battery and a device gone silent.
struct CareAlertTests {
    private static let hour: Int64 = 3_600_000

    // MARK: Low battery

    @Test
    func lowBatteryAlertsOnceAndClearsOnlyWellAboveTheThreshold() throws {
        var track = TrackBuilder()
        let levels = [50, 20, 16, 15, 16, 15, 14, 16, 19, 15, 21, 16, 15]
        for (index, percent) in levels.enumerated() { track.battery(percent, at: 60 * Double(index)) }
        let found = decisions(track)
        #expect(found.allSatisfy { $0.kind == .lowBattery && $0.rule == "low_battery" })
        try #require(found.count == 3)
        // Alert at 15 %, no flapping through 16/15/14/16/19/15, cleared at 21 %, a new alert at 15 %.
        #expect(found.map { track.seconds($0.time) } == [180, 600, 720])
        #expect(found.map(\.endsEpisode) == [false, true, false])
        #expect(found[0].reason == "battery at 15%")
        #expect(found[2].episodeStart == track.time(720))
    }

    @Test
    func theThresholdAndItsMarginFollowTheRules() throws {
        var track = TrackBuilder()
        for (index, percent) in [31, 30, 34, 31, 36].enumerated() { track.battery(percent, at: 60 * Double(index)) }
        let found = decisions(track, rules: AlertRules(lowBatteryPercent: 30))
        try #require(found.count == 2)
        #expect(found.map { track.seconds($0.time) } == [60, 240])
        #expect(found.map(\.endsEpisode) == [false, true])
    }

    @Test
    func theEndOfALowBatteryEpisodeNamesTheEpisodeItEnds() throws {
        var track = TrackBuilder()
        track.battery(10, at: 0)
        track.battery(90, at: 3_600)
        let found = decisions(track)
        try #require(found.count == 2)
        #expect(found[1].episodeStart == found[0].episodeStart)
    }

    // MARK: Silence

    @Test
    func silenceRaisesOneAlertNamingTheLastKnownPlaceAndItsAge() throws {
        var engine = DeviceAlertEngine(rules: AlertRules())
        let fix = PositionFix(time: trackEpoch, position: home, accuracy: 12)
        #expect(engine.checkSilence(now: trackEpoch) == nil)
        _ = engine.process(.deviceFix(fix))
        _ = engine.process(.battery(percent: 80, at: trackEpoch + Self.hour))

        // Six hours after the last input, not before.
        #expect(engine.checkSilence(now: trackEpoch + 7 * Self.hour - 1) == nil)
        let alertDecision = engine.checkSilence(now: trackEpoch + 7 * Self.hour)
        let alert = try #require(alertDecision)
        #expect(alert.kind == .silent)
        #expect(alert.rule == "silent")
        #expect(!alert.endsEpisode)
        #expect(alert.fixes == [fix])
        #expect(alert.reason.contains("nothing received for 6.0 h"))
        #expect(alert.reason.contains("last seen 7.0 h ago"))
        #expect(alert.reason.contains("\(home.latitude), \(home.longitude)"))
        #expect(alert.reason.contains("±12 m"))
        #expect(engine.checkSilence(now: trackEpoch + 9 * Self.hour) == nil)

        // The owner's phone reporting says nothing about the device.
        let phone = PositionFix(time: trackEpoch + 8 * Self.hour, position: place(5), accuracy: 5)
        #expect(engine.process(.ownerFix(phone)).isEmpty)
        #expect(engine.isSilent)

        // The device's next input ends the episode; a later silence is a new one.
        let heard = engine.process(
            .deviceFix(PositionFix(time: trackEpoch + 9 * Self.hour, position: home, accuracy: 5))
        )
        #expect(heard.map(\.kind) == [.silent])
        #expect(heard.map(\.endsEpisode) == [true])
        #expect(!engine.isSilent)
        #expect(engine.checkSilence(now: trackEpoch + 14 * Self.hour) == nil)
        let againDecision = engine.checkSilence(now: trackEpoch + 15 * Self.hour)
        let again = try #require(againDecision)
        #expect(again.episodeStart > alert.episodeStart)
        #expect(again.reason.contains("last seen 6.0 h ago"))
    }

    @Test
    func theOwnersPhoneDoesNotKeepTheDeviceAlive() throws {
        var track = TrackBuilder()
        track.deviceFix(at: 0, meters: 0)
        track.owner(.standing(at: 3), every: 600, from: 5, through: 6 * 3_600)
        var engine = DeviceAlertEngine(rules: AlertRules())
        for input in track.sortedInputs { _ = engine.process(input) }
        #expect(engine.checkSilence(now: track.time(6 * 3_600 - 1)) == nil)
        #expect(engine.checkSilence(now: track.time(6 * 3_600))?.kind == .silent)
    }

    @Test
    func theEndOfASilenceNamesTheEpisodeItEnds() throws {
        var engine = DeviceAlertEngine(rules: AlertRules())
        _ = engine.process(.battery(percent: 80, at: trackEpoch))
        let alertDecision = engine.checkSilence(now: trackEpoch + 6 * Self.hour)
        let alert = try #require(alertDecision)
        let heard = engine.process(.battery(percent: 79, at: trackEpoch + 7 * Self.hour))
        try #require(heard.count == 1)
        #expect(heard[0].episodeStart == alert.episodeStart)
    }
}
