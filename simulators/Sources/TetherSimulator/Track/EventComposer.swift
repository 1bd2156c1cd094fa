import TetherGeo

/// Turns a device's track and timed reports into the telemetry events it sends, in event-time
/// order: for each sample a GNSS fix (jittered), a Wi-Fi scan and a cell scan as its sensors
/// say, plus its wild fixes and its ``ScenarioDevice/events``.
public struct EventComposer: Sendable {
    let world: RadioWorld
    let seed: UInt64

    /// A composer for one run of a scenario.
    public init(world: RadioWorld, seed: UInt64) {
        self.world = world
        self.seed = seed
    }

    /// The events `device` sends, sorted by time (ties keep the order they were made in).
    public func events(for device: ScenarioDevice) -> [SimEvent] {
        var random = SplitMix64Source(seed: self.seed, label: device.name)
        var events: [SimEvent] = []
        if let track = device.track {
            let path = TrackPath(track, seed: self.seed ^ StableHash.fnv1a("walk/\(device.name)"))
            for sample in path.samples() where sample.sensors.silent != true {
                events += self.sense(sample, random: &random)
            }
            for wild in track.wildFixes {
                let truth = path.position(at: wild.at)
                let position = Earth.destination(from: truth, bearing: wild.bearing, distance: wild.offset)
                let accuracy = wild.accuracy ?? path.sensors(at: wild.at).accuracy!
                events.append(SimEvent(time: wild.at, payload: Self.fix(position, accuracy: accuracy)))
            }
        }
        events += device.events.map { SimEvent(time: $0.at, payload: Self.payload($0.payload)) }
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// What the sensors report at one sample.
    func sense(_ sample: TrackSample, random: inout SplitMix64Source) -> [SimEvent] {
        var events: [SimEvent] = []
        let sensors = sample.sensors
        if sensors.gnss == true {
            var position = sample.position
            if let jitter = sensors.jitter, jitter > 0 {
                // Uniform in a disc of radius `jitter`.
                let distance = jitter * random.next(in: 0...1).squareRoot()
                position = Earth.destination(from: position, bearing: random.next(in: 0...360), distance: distance)
            }
            events.append(SimEvent(time: sample.time, payload: Self.fix(position, accuracy: sensors.accuracy!)))
        }
        if sensors.wifi == true {
            let heard = self.world.accessPoints(at: sample.position)
            if !heard.isEmpty { events.append(SimEvent(time: sample.time, payload: .wifiScan(heard))) }
        }
        if sensors.cell == true {
            let heard = self.world.cellTowers(at: sample.position)
            if !heard.isEmpty { events.append(SimEvent(time: sample.time, payload: .cellTowers(heard))) }
        }
        return events
    }

    static func fix(_ position: Coordinate, accuracy: Double) -> SimEvent.Payload {
        .location(latitude: position.latitude, longitude: position.longitude, accuracy: accuracy, source: "gnss")
    }

    static func payload(_ payload: TimedEvent.Payload) -> SimEvent.Payload {
        switch payload {
        case .connection(let connected):
            .connection(connected: connected)
        case .properties(let battery, let signal, let model, let hardware, let software):
            .properties(
                batteryPercent: battery,
                signalDBm: signal,
                model: model,
                hwVersion: hardware,
                swVersion: software
            )
        case .usage(let function, let operation, let duration):
            .usage(function: function, operation: operation, durationMilliseconds: duration)
        case .sos:
            .sos
        case .heartbeat:
            .properties(batteryPercent: nil, signalDBm: -60, model: nil, hwVersion: nil, swVersion: nil)
        }
    }
}
