import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// What late uploads may revise, found by the simulator's scenarios: a device driven along with
/// its owner whose phone uploads less often, and an episode ended by a replay of an older one.
@Suite("Late uploads that revise")
struct LateUploadRevisionTests {
    static let start: Int64 = 1_767_261_600_000
    static let road = Coordinate(uncheckedLatitude: 52.4, longitude: 13.2)

    /// Where a car driving east at 14 m/s is `seconds` after the start.
    static func car(_ seconds: Int64) -> Coordinate {
        Earth.destination(from: Self.road, bearing: 90, distance: Double(seconds) * 14)
    }

    static func fix(_ seconds: Int64, at position: Coordinate) -> PositionFix {
        PositionFix(time: Self.start + seconds * 1_000, position: position, accuracy: 5)
    }

    @Test
    func aDeviceDrivenWithItsOwnerIsNotApartFromAnOlderPhoneFix() {
        var timeline = AlertTimeline(rules: AlertRules())
        // The phone has sent up to 60 s; the bag, in the same car, reports on to 150 s.
        let phone = stride(from: Int64(0), through: 60, by: 15).map {
            AlertInput.ownerFix(Self.fix($0, at: Self.car($0)))
        }
        let bag = stride(from: Int64(0), through: 150, by: 15).map {
            AlertInput.deviceFix(Self.fix($0, at: Self.car($0)))
        }
        #expect(timeline.process(phone).isEmpty)
        #expect(timeline.process(bag).isEmpty)
        #expect(timeline.openRules.isEmpty)
    }

    @Test
    func anEpisodeTheLateUploadsDisproveIsWithdrawn() {
        // The phone stood still long enough that its speed is unknown; the bag moved on with it.
        var timeline = AlertTimeline(rules: AlertRules())
        _ = timeline.process([.ownerFix(Self.fix(0, at: Self.road)), .ownerFix(Self.fix(1, at: Self.road))])
        let bag = stride(from: Int64(15), through: 90, by: 15).map {
            AlertInput.deviceFix(Self.fix($0, at: Self.car($0)))
        }
        let told = timeline.process(bag)
        #expect(told.map(\.kind) == [.antiLost])
        #expect(timeline.openRules == ["anti_lost"])
        // Then the phone's own fixes arrive: it was in the car all along.
        let phone = stride(from: Int64(15), through: 90, by: 15).map {
            AlertInput.ownerFix(Self.fix($0, at: Self.car($0)))
        }
        let revised = timeline.process(phone)
        #expect(revised.count == 1)
        #expect(revised.first?.endsEpisode == true)
        #expect(revised.first?.episodeStart == told.first?.episodeStart)
        #expect(revised.first?.reason.hasPrefix("withdrawn") == true)
        #expect(timeline.openRules.isEmpty)
    }

    @Test
    func aReplayedEndOfAnOlderEpisodeDoesNotEndTheOpenOne() {
        var rules = AlertRules()
        rules.lowBatteryPercent = 20
        // A 15-minute window: the replay below reaches back past the first episode's end.
        var timeline = AlertTimeline(rules: rules, reorderWindowMilliseconds: 900_000)
        let low = timeline.process([.battery(percent: 15, at: Self.start)])
        #expect(low.map(\.endsEpisode) == [false])
        let charged = timeline.process([.battery(percent: 80, at: Self.start + 600_000)])
        #expect(charged.map(\.endsEpisode) == [true])
        let lowAgain = timeline.process([.battery(percent: 18, at: Self.start + 1_200_000)])
        #expect(lowAgain.map(\.endsEpisode) == [false])
        // A late input from before the charge makes the window replay: the first episode's end
        // comes out again, and must not close the second episode.
        let replayed = timeline.process([.heartbeat(at: Self.start + 590_000)])
        #expect(replayed.isEmpty)
        #expect(timeline.openRules == ["low_battery"])
    }
}
