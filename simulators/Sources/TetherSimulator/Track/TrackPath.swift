public import TetherGeo

/// A track as a function of event time: the legs laid end to end, each with its sensors.
public struct TrackPath: Sendable {
    /// One leg placed in time.
    struct Segment: Sendable {
        var start: Int64
        var end: Int64
        /// Positions at `start`, then one per `step` milliseconds, the last at `end`; a straight
        /// leg has two, a stay one.
        var points: [Coordinate]
        var sensors: SensorSettings

        func position(at time: Int64) -> Coordinate {
            guard self.points.count > 1, self.end > self.start else { return self.points[0] }
            let progress = Double(min(max(time, self.start), self.end) - self.start) / Double(self.end - self.start)
            let scaled = progress * Double(self.points.count - 1)
            let index = min(Int(scaled), self.points.count - 2)
            let fraction = scaled - Double(index)
            let a = self.points[index]
            let b = self.points[index + 1]
            let distance = Earth.distance(a, b)
            guard distance > 0 else { return a }
            return Earth.destination(from: a, bearing: Earth.bearing(from: a, to: b), distance: distance * fraction)
        }
    }

    let segments: [Segment]
    let start: Coordinate
    let baseSensors: SensorSettings

    /// Lays out `track`; `seed` drives its random walks.
    public init(_ track: TrackSpec, seed: UInt64) {
        self.start = track.start
        self.baseSensors = track.sensors.resolved(over: .defaults)
        var random = SplitMix64Source(seed: seed)
        var segments: [Segment] = []
        var time: Int64 = 0
        var here = track.start
        for leg in track.legs {
            let sensors = leg.sensors.resolved(over: self.baseSensors)
            switch leg.motion {
            case .stay(let milliseconds):
                segments.append(Segment(start: time, end: time + milliseconds, points: [here], sensors: sensors))
                time += milliseconds
            case .moveTo(let destination, let speed):
                let milliseconds = Int64((Earth.distance(here, destination) / speed * 1_000).rounded())
                segments.append(
                    Segment(start: time, end: time + milliseconds, points: [here, destination], sensors: sensors)
                )
                time += milliseconds
                here = destination
            case .randomWalk(let milliseconds, let step, let radius):
                let points = RandomWalk.points(
                    from: here,
                    steps: max(1, Int(milliseconds / max(1, sensors.every!))),
                    step: step,
                    radius: radius,
                    random: &random
                )
                segments.append(Segment(start: time, end: time + milliseconds, points: points, sensors: sensors))
                time += milliseconds
                here = points.last!
            }
        }
        self.segments = segments
    }

    /// When the last leg ends, milliseconds after the start.
    public var duration: Int64 { self.segments.last?.end ?? 0 }

    /// The true position at `time` (the start before it, the end after it).
    public func position(at time: Int64) -> Coordinate {
        guard let segment = self.segment(at: time) else { return self.start }
        return segment.position(at: time)
    }

    /// The sensors in force at `time`.
    public func sensors(at time: Int64) -> SensorSettings {
        self.segment(at: time)?.sensors ?? self.baseSensors
    }

    /// Samples from 0 to the end of the last leg, one every ``SensorSettings/every`` of the leg
    /// the sample falls in (a track without legs has one sample, at 0).
    public func samples() -> [TrackSample] {
        var samples: [TrackSample] = []
        var time: Int64 = 0
        repeat {
            let sensors = self.sensors(at: time)
            samples.append(TrackSample(time: time, position: self.position(at: time), sensors: sensors))
            time += sensors.every!
        } while time <= self.duration
        return samples
    }

    /// The leg running at `time`: each covers `start..<end`, the last also its end.
    private func segment(at time: Int64) -> Segment? {
        guard let last = self.segments.last else { return nil }
        if time >= last.end { return last }
        return self.segments.first { time < $0.end } ?? last
    }
}
