import Testing
import TetherGeo
import TetherSimulator

/// Track generation: legs laid out in event time, samples where the device truly is.
@Suite struct TrackPathTests {
    let home = try! Coordinate(latitude: 52.52, longitude: 13.405)

    @Test func aWaypointAtASpeedIsReachedAtDistanceOverSpeed() {
        let bakery = Earth.destination(from: self.home, bearing: 90, distance: 420)
        let track = TrackSpec(
            start: self.home,
            sensors: SensorSettings(every: 10_000),
            legs: [Leg(.stay(milliseconds: 60_000)), Leg(.moveTo(destination: bakery, speed: 1.4))]
        )
        let path = TrackPath(track, seed: 1)
        // 420 m at 1.4 m/s take 300 s, after the minute's stay.
        #expect(path.duration == 360_000)
        #expect(Earth.distance(path.position(at: 60_000), self.home) < 0.001)
        #expect(abs(Earth.distance(path.position(at: 160_000), self.home) - 140) < 0.01)
        #expect(abs(Earth.distance(path.position(at: 210_000), self.home) - 210) < 0.01)
        #expect(Earth.distance(path.position(at: 360_000), bakery) < 0.001)
        #expect(Earth.distance(path.position(at: 999_000), bakery) < 0.001)
        let samples = path.samples()
        #expect(samples.map(\.time) == Array(stride(from: 0, through: 360_000, by: 10_000)))
        for sample in samples where sample.time >= 60_000 {
            let expected = 1.4 * Double(sample.time - 60_000) / 1_000
            #expect(abs(Earth.distance(sample.position, self.home) - expected) < 0.01)
        }
    }

    @Test func eachLegSamplesAtItsOwnInterval() {
        let track = TrackSpec(
            start: self.home,
            legs: [
                Leg(.stay(milliseconds: 60_000)),
                Leg(.stay(milliseconds: 600_000), sensors: SensorSettings(every: 300_000, gnss: false, wifi: true)),
            ]
        )
        let samples = TrackPath(track, seed: 1).samples()
        #expect(samples.map(\.time) == [0, 15_000, 30_000, 45_000, 60_000, 360_000, 660_000])
        #expect(samples.map { $0.sensors.gnss == true } == [true, true, true, true, false, false, false])
        #expect(samples.allSatisfy { $0.sensors.accuracy == 5 })
    }

    @Test func aSeededRandomWalkIsRepeatableAndStaysInItsRadius() {
        let track = TrackSpec(
            start: self.home,
            sensors: SensorSettings(every: 5_000),
            legs: [Leg(.randomWalk(milliseconds: 3_600_000, step: 4, radius: 25))]
        )
        let first = TrackPath(track, seed: 42).samples().map(\.position)
        let again = TrackPath(track, seed: 42).samples().map(\.position)
        let other = TrackPath(track, seed: 43).samples().map(\.position)
        #expect(first.count == 721)
        #expect(first == again)
        #expect(first != other)
        #expect(first.allSatisfy { Earth.distance($0, self.home) <= 25.001 })
        // It does wander: not stuck at the centre.
        #expect(first.contains { Earth.distance($0, self.home) > 15 })
        for (a, b) in zip(first, first.dropFirst()) {
            #expect(Earth.distance(a, b) <= 4.001)
        }
    }

    @Test func jitterStaysWithinItsRadiusAndIsSeeded() throws {
        let device = try ScenarioLoaderTests.device(
            #"{"name": "tag", "kind": "tracker", "track": {"start": {"lat": 52.52, "lon": 13.405}, "jitter": "8m", "legs": [{"stay": "1h"}]}}"#
        )
        let world = RadioWorld(try ScenarioLoaderTests.minimal(), runTag: "t")
        let composer = EventComposer(world: world, seed: 7)
        let fixes = composer.events(for: device).compactMap { event -> Coordinate? in
            guard case .location(let latitude, let longitude, _, _) = event.payload else { return nil }
            return Coordinate(uncheckedLatitude: latitude, longitude: longitude)
        }
        #expect(fixes.count == 241)
        #expect(fixes.allSatisfy { Earth.distance($0, self.home) <= 8.001 })
        #expect(fixes.contains { Earth.distance($0, self.home) > 6 })
        #expect(composer.events(for: device) == EventComposer(world: world, seed: 7).events(for: device))
    }
}
