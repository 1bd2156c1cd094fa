import PropertyBased
import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// The anti-lost state machine on synthetic tracks: the device stays at the origin, the owner's
/// phone walks along a line east of it. Default policy: 30 m allowed, 5 m recovery margin,
/// 60 s dwell or 3 observations.
struct AntiLostMonitorTests {
    @Test
    func walkingAwayBackAndAwayAgainGivesTwoEpisodes() throws {
        let phone = Route.walk(to: 150, departing: 30).then(to: 0, departing: 240).then(to: 150, departing: 450)
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 700)
        track.owner(phone, every: 10, from: 5, through: 700)

        let found = decisions(track).of(.antiLost)
        try #require(found.count == 3)
        #expect(found.map(\.endsEpisode) == [false, true, false])
        #expect(found.allSatisfy { $0.rule == "anti_lost" && $0.suppressedBy == nil })

        // Raised after the separation truly passes 30 m, and within the dwell time of it.
        let firstExceeds = try #require(phone.firstTime(beyond: 30))
        #expect(track.seconds(found[0].time) > firstExceeds)
        #expect(track.seconds(found[0].time) <= firstExceeds + 60)
        #expect(found[0].reason.hasSuffix("m from the owner's phone"))
        #expect(found[0].fixes.count == 2)

        // The end closes the first episode, and only once the phone is truly back within 30 − 5 m.
        let back = try #require(phone.firstTime(within: 25, after: 240))
        #expect(track.seconds(found[1].time) >= back)
        #expect(track.seconds(found[1].time) < 450)
        #expect(found[1].episodeStart == found[0].episodeStart)

        // Walking away again is a new episode.
        let againExceeds = try #require(phone.firstTime(beyond: 30, after: 450))
        #expect(track.seconds(found[2].time) > againExceeds)
        #expect(track.seconds(found[2].time) <= againExceeds + 60)
        #expect(found[2].episodeStart > found[1].time)
    }

    @Test
    func walkingAwayAtAnyPaceRaisesOneAlertSoonAfterTheSeparationIsClear() async {
        await propertyCheck(input: Gen.double(in: 0.8...3), Gen.double(in: 2...20), Gen.double(in: 2...15)) {
            speed,
            every,
            accuracy in
            let phone = Route.walk(to: 300, departing: 30, speed: speed)
            let end = 30 + 300 / speed + 120
            var track = TrackBuilder()
            track.device(.standing(), every: every, through: end, accuracy: accuracy)
            track.owner(phone, every: every, from: every / 2, through: end, accuracy: accuracy)

            let found = decisions(track).of(.antiLost)
            try #require(found.count == 1)
            #expect(!found[0].endsEpisode)
            // Never before the separation truly exceeds 30 m; within the dwell time once it
            // exceeds 30 m plus both accuracy radii.
            let truly = try #require(phone.firstTime(beyond: 30))
            let clear = try #require(phone.firstTime(beyond: 30 + 2 * accuracy))
            #expect(track.seconds(found[0].time) > truly)
            #expect(track.seconds(found[0].time) <= clear + 60)
        }
    }

    @Test(arguments: [(3, 40.0), (100, 70.0)])
    func threeObservationsOrTheDwellTimeConfirm(observations: Int, alertAt: Double) throws {
        // The phone is 200 m away from the start; the device reports at 0, 20, 40 …, the phone at 10, 30, 50 ….
        // Observations count the device's fixes (10: the fix of 0, 20, 40), so a phone that
        // reports often cannot confirm one device fix alone; the dwell time (from 10) needs two.
        var track = TrackBuilder()
        track.device(.standing(), every: 20, through: 200)
        track.owner(.standing(at: 200), every: 20, from: 10, through: 200)
        let rules = AlertRules(antiLost: AntiLostPolicy(observationsToConfirm: observations))

        let found = decisions(track, rules: rules).of(.antiLost)
        try #require(found.count == 1)
        #expect(track.seconds(found[0].time) == alertAt)
    }

    @Test
    func theMonitorGoesSuspectThenLostThenBackWithOwner() {
        func fix(_ seconds: Int64, _ meters: Double) -> PositionFix {
            PositionFix(time: seconds * 1_000, position: place(meters), accuracy: 5)
        }
        var monitor = AntiLostMonitor()
        #expect(monitor.observeDevice(fix(0, 0)) == nil)
        #expect(monitor.state == .withOwner)
        #expect(monitor.observeOwner(fix(1, 100)) == nil)
        #expect(monitor.state == .suspect(since: 1_000, observations: 1))
        #expect(monitor.observeDevice(fix(2, 0)) == nil)
        #expect(monitor.state == .suspect(since: 1_000, observations: 2))

        // A new phone fix against the same device fix is no new observation.
        #expect(monitor.observeOwner(fix(3, 110)) == nil)
        #expect(monitor.state == .suspect(since: 1_000, observations: 2))

        let decision = monitor.observeDevice(fix(4, 0))
        guard case .lost(let evidence) = decision, case .separation(let meters) = evidence.reason else {
            Issue.record("expected a lost decision by separation, got \(String(describing: decision))")
            return
        }
        #expect(abs(meters - 110) < 0.01)
        #expect(evidence.time == 4_000)
        #expect(evidence.ownerFix == fix(3, 110))
        #expect(monitor.state == .lost(since: 4_000))

        // 20 m with ±5 m each side is neither apart nor together: nothing changes.
        #expect(monitor.observeOwner(fix(5, 20)) == nil)
        #expect(monitor.state == .lost(since: 4_000))
        #expect(monitor.observeOwner(fix(6, 10)) == .recovered(at: 6_000))
        #expect(monitor.state == .withOwner)
    }

    // MARK: Jitter and wild fixes

    @Test
    func jitterAroundTheAllowedDistanceRaisesNothing() async {
        await propertyCheck(count: 60, input: Gen.uint64(), Gen.double(in: 20...30), Gen.double(in: 3...15)) {
            seed,
            separation,
            accuracy in
            // Each fix lands anywhere in its accuracy circle around the true position.
            var track = TrackBuilder(seed: seed)
            track.device(.standing(), every: 5, through: 1_200, accuracy: accuracy, jitter: accuracy)
            let phone = Route.standing(at: separation)
            track.owner(phone, every: 5, from: 2.5, through: 1_200, accuracy: accuracy, jitter: accuracy)
            #expect(decisions(track).isEmpty)
        }
    }

    @Test
    func afterAnAlertJitterAtTheThresholdNeitherEndsItNorRaisesAnother() async {
        await propertyCheck(count: 40, input: Gen.uint64(), Gen.double(in: 26...34), Gen.double(in: 3...10)) {
            seed,
            separation,
            accuracy in
            var track = TrackBuilder(seed: seed)
            let phone = Route.walk(to: 150, departing: 30).then(to: separation, departing: 200)
            track.device(.standing(), every: 5, through: 1_200, accuracy: accuracy, jitter: accuracy)
            track.owner(phone, every: 5, from: 2.5, through: 1_200, accuracy: accuracy, jitter: accuracy)
            let found = decisions(track)
            #expect(found.count == 1)
            #expect(found.first?.endsEpisode == false)
        }
    }

    @Test
    func aFixOfPlusMinus500MetresNeitherRaisesNorClears() {
        // Together: one ±500 m device fix 450 m off.
        var together = TrackBuilder()
        together.device(.standing(), every: 10, through: 300)
        together.owner(.standing(at: 3), every: 10, from: 5, through: 300)
        together.deviceFix(at: 102, meters: 450, accuracy: 500)
        #expect(decisions(together).isEmpty)

        // Apart: one ±500 m device fix right at the phone does not end the episode.
        var apart = TrackBuilder()
        apart.device(.standing(), every: 10, through: 300)
        apart.owner(.standing(at: 150), every: 10, from: 5, through: 300)
        apart.deviceFix(at: 152, meters: 150, accuracy: 500)
        let found = decisions(apart)
        #expect(found.count == 1)
        #expect(found.first.map { apart.seconds($0.time) < 152 } == true)
        #expect(found.allSatisfy { !$0.endsEpisode })
    }

    @Test(arguments: [100.0, 101, 104, 109])
    func oneFarFixWithSmallAccuracyRaisesNothing(at seconds: Double) {
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 600)
        track.owner(.standing(at: 3), every: 10, from: 5, through: 600)
        track.deviceFix(at: seconds, meters: 400, accuracy: 5)
        #expect(decisions(track).isEmpty)
    }

    @Test
    func oneFarFixRaisesNothingWhenThePhoneReportsMoreOftenThanTheDevice() {
        // The device reports every 30 s, the phone every 10 s. The phone's fixes are each judged
        // against the device's last fix, so one wild device fix is counted once per phone fix.
        var track = TrackBuilder()
        track.device(.standing(), every: 30, through: 600)
        track.owner(.standing(at: 3), every: 10, from: 5, through: 600)
        track.deviceFix(at: 100, meters: 400, accuracy: 5)
        #expect(decisions(track).isEmpty)
    }

    @Test
    func twoWildFixesTenMinutesApartRaiseNothing() {
        // Indoors: 12 m apart with ±10 m each side, which is neither apart nor together. Two wild
        // fixes ten minutes apart are not "apart for the dwell time".
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 900, accuracy: 10)
        track.owner(.standing(at: 12), every: 60, from: 5, through: 900, accuracy: 10)
        track.deviceFix(at: 100, meters: 400, accuracy: 5)
        track.deviceFix(at: 700, meters: 400, accuracy: 5)
        #expect(decisions(track).isEmpty)
    }
}
