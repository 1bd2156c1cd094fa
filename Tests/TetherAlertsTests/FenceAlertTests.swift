import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// Keep-in, keep-out and safe-place fences, judged by whole accuracy circles.
struct FenceAlertTests {
    /// A circle of 200 m around the origin.
    private static let park = AlertFence(
        id: "park",
        name: "Park",
        role: .keepIn,
        geometry: .circle(center: home, radius: 200)
    )

    /// A rectangle from 300 m to 400 m east of the origin, 50 m either side of the track's line.
    private static func yard() throws -> AlertFence {
        func corner(_ east: Double, _ north: Double) -> Coordinate {
            Earth.destination(from: place(east), bearing: north < 0 ? 180 : 0, distance: abs(north))
        }
        let ring = [corner(300, -50), corner(400, -50), corner(400, 50), corner(300, 50), corner(300, -50)]
        return AlertFence(id: "yard", name: "Yard", role: .keepOut, geometry: .polygon(try Polygon(exterior: ring)))
    }

    /// The first device fix of `track` at or after `after` seconds whose distance from the origin passes `test`.
    private static func firstDeviceFix(
        _ track: TrackBuilder,
        after: Double = 0,
        where test: (Double) -> Bool
    ) -> PositionFix? {
        for case .deviceFix(let fix) in track.sortedInputs
        where track.seconds(fix.time) >= after && test(Earth.distance(home, fix.position)) {
            return fix
        }
        return nil
    }

    @Test
    func leavingAKeepInFenceAlertsOnceAndComingBackEndsIt() throws {
        var track = TrackBuilder()
        track.device(.walk(to: 400, departing: 35).then(to: 0, departing: 405), every: 10, through: 800, accuracy: 10)
        let found = decisions(track, rules: AlertRules(fences: [Self.park]))
        try #require(found.count == 2)
        #expect(found.allSatisfy { $0.kind == .keepIn && $0.rule == "keep_in:park" })
        #expect(found.map(\.endsEpisode) == [false, true])
        #expect(found[0].reason == "outside Park")

        // Decided by the first fix whose ±10 m circle is wholly outside, then wholly inside again.
        let out = try #require(Self.firstDeviceFix(track) { $0 > 210 })
        let back = try #require(Self.firstDeviceFix(track, after: 400) { $0 < 190 })
        #expect(found[0].time == out.time)
        #expect(found[0].fixes == [out])
        #expect(found[1].time == back.time)
    }

    @Test
    func enteringAKeepOutFenceAlertsOncePerVisit() throws {
        var track = TrackBuilder()
        track.device(.walk(to: 600, departing: 0).then(to: 0, departing: 600), every: 5, through: 1_100, accuracy: 10)
        let found = decisions(track, rules: AlertRules(fences: [try Self.yard()]))
        try #require(found.count == 4)
        #expect(found.allSatisfy { $0.kind == .keepOut && $0.rule == "keep_out:yard" })
        #expect(found.map(\.endsEpisode) == [false, true, false, true])
        #expect(found.map(\.reason) == ["inside Yard", "left Yard", "inside Yard", "left Yard"])

        let enter = try #require(Self.firstDeviceFix(track) { $0 > 310 })
        let leave = try #require(Self.firstDeviceFix(track) { $0 > 410 })
        #expect(found[0].time == enter.time)
        #expect(found[1].time == leave.time)
    }

    @Test
    func aKeepInRuleReportsADeviceAlreadyOutsideAtOnce() throws {
        var track = TrackBuilder()
        track.device(.standing(at: 500), every: 10, through: 300)
        let found = decisions(track, rules: AlertRules(fences: [Self.park]))
        try #require(found.count == 1)
        #expect(found[0].time == track.time(0))
        #expect(found[0].kind == .keepIn)
        #expect(!found[0].endsEpisode)
    }

    @Test
    func theFirstDecisiveFixReportsWhenTheFirstFixCannotTell() throws {
        var track = TrackBuilder()
        track.deviceFix(at: 0, meters: 205, accuracy: 10)
        track.deviceFix(at: 10, meters: 215, accuracy: 10)
        let found = decisions(track, rules: AlertRules(fences: [Self.park]))
        try #require(found.count == 1)
        #expect(found[0].time == track.time(10))
    }

    @Test(arguments: [(0.0, 0), (350, 1)])
    func aKeepOutRuleReportsADeviceAlreadyInsideAtOnce(meters: Double, alerts: Int) throws {
        var track = TrackBuilder()
        track.device(.standing(at: meters), every: 10, through: 300)
        let found = decisions(track, rules: AlertRules(fences: [try Self.yard()]))
        #expect(found.count == alerts)
        #expect(found.allSatisfy { $0.time == track.time(0) && !$0.endsEpisode })
    }

    @Test
    func fixesStraddlingTheBoundaryDecideNothing() {
        var track = TrackBuilder(seed: 7)
        track.deviceFix(at: 0, meters: 0)
        // ±20 m circles whose centres wander between 195 m and 205 m.
        track.device(.standing(at: 200), every: 10, from: 10, through: 1_200, accuracy: 20, jitter: 5)
        // One ±500 m fix 400 m out.
        track.deviceFix(at: 1_205, meters: 400, accuracy: 500)
        #expect(decisions(track, rules: AlertRules(fences: [Self.park])).isEmpty)
    }

    @Test
    func aWildFixCannotEndAFenceAlert() throws {
        var track = TrackBuilder()
        track.device(.standing(at: 400), every: 10, through: 300, accuracy: 10)
        track.deviceFix(at: 155, meters: 0, accuracy: 500)
        let found = decisions(track, rules: AlertRules(fences: [Self.park]))
        try #require(found.count == 1)
        #expect(!found[0].endsEpisode)
    }

    @Test(arguments: [
        (0.0, 10.0, FenceRelation.inside),
        (185, 10, .inside),
        (195, 10, .uncertain),
        (205, 10, .uncertain),
        (215, 10, .outside),
        (100, 500, .uncertain),
        (1_000, 500, .outside),
    ])
    func relationToACircleCountsTheWholeAccuracyCircle(meters: Double, accuracy: Double, expected: FenceRelation) {
        let fix = PositionFix(time: 0, position: place(meters), accuracy: accuracy)
        #expect(FenceRelation(fix, to: Self.park.geometry) == expected)
    }

    @Test(arguments: [
        (350.0, 10.0, FenceRelation.inside),
        (350, 60, .uncertain),
        (305, 10, .uncertain),
        (395, 10, .uncertain),
        (250, 10, .outside),
        (0, 10, .outside),
    ])
    func relationToAPolygonCountsTheWholeAccuracyCircle(
        meters: Double,
        accuracy: Double,
        expected: FenceRelation
    )
        throws
    {
        let fix = PositionFix(time: 0, position: place(meters), accuracy: accuracy)
        #expect(FenceRelation(fix, to: try Self.yard().geometry) == expected)
    }

    @Test
    func theEndOfAFenceEpisodeNamesTheEpisodeItEnds() throws {
        var track = TrackBuilder()
        track.device(.walk(to: 400, departing: 35).then(to: 0, departing: 405), every: 10, through: 800, accuracy: 10)
        let found = decisions(track, rules: AlertRules(fences: [Self.park]))
        try #require(found.count == 2)
        #expect(found[1].episodeStart == found[0].episodeStart)
    }

    // MARK: Safe places

    @Test(arguments: [
        (FenceRole.safePlace, 0.0, String?("safe:home")),
        (.safePlace, 1_000, nil),
        // The device's ±5 m circle straddles the edge of a safe place 98 m away with a 100 m radius.
        (.safePlace, 98, nil),
        (.keepIn, 0, nil),
    ])
    func separationInsideASafePlaceIsRecordedAsSuppressed(role: FenceRole, centre: Double, expected: String?) throws {
        let fence = AlertFence(
            id: "home",
            name: "Home",
            role: role,
            geometry: .circle(center: place(centre), radius: 100)
        )
        var track = TrackBuilder()
        track.device(.standing(), every: 10, through: 400)
        track.owner(.walk(to: 300, departing: 30), every: 10, from: 5, through: 400)
        let found = decisions(track, rules: AlertRules(fences: [fence])).of(.antiLost)
        try #require(found.count == 1)
        #expect(found[0].suppressedBy == expected)
    }
}
