import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// Link changes and a stale owner position in the anti-lost state machine.
struct AntiLostLinkAndStaleTests {
    /// The device stays put; the phone walks away at 30 s; both report every 10 s.
    private static func walkAway(linkLostAt seconds: Double?) -> (TrackBuilder, [AlertDecision]) {
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 300)
        track.owner(.walk(to: 300, departing: 30), every: 10, from: 5, through: 300)
        if let seconds { track.link(.disconnected, at: seconds) }
        return (track, decisions(track).of(.antiLost))
    }

    @Test
    func losingTheLinkWhileThePhoneMovesAwayNeedsFewerFixes() throws {
        let (plain, withoutLink) = Self.walkAway(linkLostAt: nil)
        // The link drops at about 25 m, between two phone fixes that moved away 14 m each.
        let (dropped, withLink) = Self.walkAway(linkLostAt: 48)
        try #require(withoutLink.count == 1)
        try #require(withLink.count == 1)
        #expect(withLink[0].time < withoutLink[0].time)

        // Fixes from the first phone fix clearly apart (beyond 30 m + 5 m + 5 m) to the alert.
        let firstApart = try #require(
            plain.sortedInputs.first { input in
                guard case .ownerFix(let fix) = input else { return false }
                return Earth.distance(home, fix.position) > 40
            }
        )
        func fixesNeeded(_ track: TrackBuilder, _ alert: AlertDecision) -> Int {
            track.sortedInputs.filter { input in
                if case .link = input { return false }
                return input.time >= firstApart.time && input.time <= alert.time
            }.count
        }
        #expect(fixesNeeded(dropped, withLink[0]) < fixesNeeded(plain, withoutLink[0]))
    }

    @Test
    func losingTheLinkAloneWithTheOwnerStandingStillRaisesNothing() {
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 900)
        track.owner(.standing(at: 20), every: 10, from: 5, through: 900)
        track.link(.disconnected, at: 100)
        #expect(decisions(track).isEmpty)
    }

    @Test
    func linkLostAloneConfirmsWhenOneObservationIsEnough() throws {
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 40)
        track.owner(.walk(to: 300, departing: 0), every: 10, from: 5, through: 40)
        track.link(.disconnected, at: 16)
        let rules = AlertRules(antiLost: AntiLostPolicy(observationsToConfirm: 1))
        let found = decisions(track, rules: rules).of(.antiLost)
        try #require(found.count == 1)
        #expect(track.seconds(found[0].time) == 16)
        #expect(found[0].reason == AntiLostReason.linkLost.description)
    }

    @Test
    func reconnectingEndsALostEpisode() throws {
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 100)
        track.owner(.standing(at: 200), every: 10, from: 5, through: 100)
        track.link(.disconnected, at: 1)
        track.link(.connected, at: 101)
        let found = decisions(track).of(.antiLost)
        try #require(found.count == 2)
        #expect(found.map(\.endsEpisode) == [false, true])
        #expect(found[1].time == track.time(101))
        #expect(found[1].episodeStart == found[0].episodeStart)
    }

    // MARK: Stale owner position

    @Test
    func aStalePhoneFixWithTheLinkDownSaysOwnerLocationUnknown() throws {
        var track = TrackBuilder()
        track.ownerFix(at: 0, meters: 2)
        track.device(.standing(), every: 60, through: 900)
        // The phone's last fix is 400 s old, past the 300 s limit.
        track.link(.disconnected, at: 400)

        let found = decisions(track).of(.antiLost)
        try #require(found.count == 1)
        #expect(found[0].reason == "owner location unknown")
        #expect(found[0].reason == AntiLostReason.ownerLocationUnknown.description)
        #expect(found[0].time > track.time(400))
    }

    @Test
    func aStalePhoneFixWhileSuspectSaysOwnerLocationUnknownInsteadOfADistance() throws {
        var track = TrackBuilder()
        track.deviceFix(at: 0, meters: 0)
        track.ownerFix(at: 5, meters: 200)
        track.deviceFix(at: 10, meters: 0)
        // The phone falls silent; the next device fix comes after the owner fix went stale.
        track.deviceFix(at: 400, meters: 0)

        let found = decisions(track).of(.antiLost)
        try #require(found.count == 1)
        #expect(found[0].reason == AntiLostReason.ownerLocationUnknown.description)
        #expect(found[0].time == track.time(400))
    }

    @Test(arguments: [true, false])
    func aStalePhoneFixWithTheDeviceNotInDoubtRaisesNothing(linkReported: Bool) {
        var track = TrackBuilder()
        if linkReported { track.link(.connected, at: 0) }
        track.ownerFix(at: 0, meters: 2)
        track.device(.standing(), every: 60, through: 1_800)
        #expect(decisions(track).isEmpty)
    }
}
