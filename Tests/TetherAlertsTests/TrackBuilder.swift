import Foundation
import TetherAlerts
import TetherCore
import TetherGeo

/// Where synthetic tracks start: Alexanderplatz, Berlin.
let home = Coordinate(uncheckedLatitude: 52.5219, longitude: 13.4132)

/// Wednesday 2026-06-03 10:00 UTC in milliseconds: time zero of a track unless one says otherwise.
let trackEpoch: Int64 = 1_780_480_800_000

/// The point `meters` from `origin` along `bearing` (degrees clockwise from north; east by default).
func place(_ meters: Double, bearing: Double = 90, from origin: Coordinate = home) -> Coordinate {
    Earth.destination(from: origin, bearing: bearing, distance: meters)
}

/// The instant an ISO 8601 text such as `2026-03-29T01:00:00Z` names.
func utc(_ text: String) -> Date {
    ISO8601DateFormatter().date(from: text)!
}

/// A walk along one line from the track's origin: metres from the origin over seconds of track
/// time, linear between keyframes, standing still before the first and after the last.
struct Route: Sendable {
    private(set) var keyframes: [(seconds: Double, meters: Double)]

    /// Standing `meters` from the origin the whole time.
    static func standing(at meters: Double = 0) -> Route {
        Route(keyframes: [(0, meters)])
    }

    /// Standing at `start` until `departure`, then walking at `speed` m/s to `meters`, and staying.
    static func walk(
        from start: Double = 0,
        to meters: Double,
        departing departure: Double,
        speed: Double = 1.4
    )
        -> Route
    {
        Route.standing(at: start).then(to: meters, departing: departure, speed: speed)
    }

    /// This route, then a walk at `speed` m/s to `meters` starting at `departure` seconds.
    func then(to meters: Double, departing departure: Double, speed: Double = 1.4) -> Route {
        let here = self.meters(at: departure)
        var route = self
        route.keyframes.append((departure, here))
        route.keyframes.append((departure + abs(meters - here) / speed, meters))
        return route
    }

    /// Metres from the origin at `seconds`.
    func meters(at seconds: Double) -> Double {
        guard let first = self.keyframes.first, seconds > first.seconds else { return self.keyframes[0].meters }
        for (a, b) in zip(self.keyframes, self.keyframes.dropFirst()) where seconds <= b.seconds {
            guard b.seconds > a.seconds else { continue }
            return a.meters + (b.meters - a.meters) * (seconds - a.seconds) / (b.seconds - a.seconds)
        }
        return self.keyframes[self.keyframes.count - 1].meters
    }

    /// The first time (to 10 ms) at or after `after` when the route is more than `meters` from the
    /// origin; `nil` when it never is.
    func firstTime(beyond meters: Double, after: Double = 0) -> Double? {
        self.firstTime(after: after) { $0 > meters }
    }

    /// The first time (to 10 ms) at or after `after` when the route is less than `meters` from the origin.
    func firstTime(within meters: Double, after: Double = 0) -> Double? {
        self.firstTime(after: after) { $0 < meters }
    }

    private func firstTime(after: Double, where predicate: (Double) -> Bool) -> Double? {
        let end = (self.keyframes.last?.seconds ?? 0) + 1
        return stride(from: after, through: max(after, end), by: 0.01).first { predicate(self.meters(at: $0)) }
    }
}

/// Builds the inputs of one device and its owner's phone: fixes sampled from routes along one
/// bearing from `origin`, with optional noise inside the accuracy circle, plus link, battery and
/// SOS events. Times are seconds after `start`.
struct TrackBuilder {
    var start: Int64 = trackEpoch
    var origin: Coordinate = home
    var bearing: Double = 90
    private(set) var inputs: [AlertInput] = []
    private var random: SplitMix64

    init(start: Int64 = trackEpoch, seed: UInt64 = 1) {
        self.start = start
        self.random = SplitMix64(seed: seed)
    }

    /// Milliseconds of device time at `seconds` into the track.
    func time(_ seconds: Double) -> Int64 {
        self.start + Int64((seconds * 1_000).rounded())
    }

    /// Seconds into the track at device time `time`.
    func seconds(_ time: Int64) -> Double {
        Double(time - self.start) / 1_000
    }

    /// A fix `meters` from the origin at `seconds`, displaced by up to `jitter` metres in a random direction.
    mutating func fix(at seconds: Double, meters: Double, accuracy: Double, jitter: Double = 0) -> PositionFix {
        var position = place(meters, bearing: self.bearing, from: self.origin)
        if jitter > 0 {
            // Uniform over the disc of radius `jitter`.
            let radius = jitter * Double.random(in: 0...1, using: &self.random).squareRoot()
            let direction = Double.random(in: 0..<360, using: &self.random)
            position = Earth.destination(from: position, bearing: direction, distance: radius)
        }
        return PositionFix(time: self.time(seconds), position: position, accuracy: accuracy)
    }

    /// Device fixes along `route` every `every` seconds from `from` through `through`.
    mutating func device(
        _ route: Route,
        every: Double,
        from: Double = 0,
        through: Double,
        accuracy: Double = 5,
        jitter: Double = 0
    ) {
        self.fixes(route, every: every, from: from, through: through, accuracy: accuracy, jitter: jitter) {
            .deviceFix($0)
        }
    }

    /// Owner's phone fixes along `route` every `every` seconds from `from` through `through`.
    mutating func owner(
        _ route: Route,
        every: Double,
        from: Double = 0,
        through: Double,
        accuracy: Double = 5,
        jitter: Double = 0
    ) {
        self.fixes(route, every: every, from: from, through: through, accuracy: accuracy, jitter: jitter) {
            .ownerFix($0)
        }
    }

    private mutating func fixes(
        _ route: Route,
        every: Double,
        from: Double,
        through: Double,
        accuracy: Double,
        jitter: Double,
        as input: (PositionFix) -> AlertInput
    ) {
        for seconds in stride(from: from, through: through, by: every) {
            let fix = self.fix(at: seconds, meters: route.meters(at: seconds), accuracy: accuracy, jitter: jitter)
            self.inputs.append(input(fix))
        }
    }

    /// One device fix `meters` from the origin at `seconds`.
    mutating func deviceFix(at seconds: Double, meters: Double, accuracy: Double = 5) {
        self.inputs.append(.deviceFix(self.fix(at: seconds, meters: meters, accuracy: accuracy)))
    }

    /// One phone fix `meters` from the origin at `seconds`.
    mutating func ownerFix(at seconds: Double, meters: Double, accuracy: Double = 5) {
        self.inputs.append(.ownerFix(self.fix(at: seconds, meters: meters, accuracy: accuracy)))
    }

    mutating func append(_ input: AlertInput) {
        self.inputs.append(input)
    }

    mutating func link(_ state: ConnectionState, at seconds: Double) {
        self.inputs.append(.link(state, at: self.time(seconds)))
    }

    mutating func battery(_ percent: Int, at seconds: Double) {
        self.inputs.append(.battery(percent: percent, at: self.time(seconds)))
    }

    mutating func sos(at seconds: Double) {
        self.inputs.append(.sos(at: self.time(seconds)))
    }

    /// The inputs in the engine's order (``AlertInput/inDeviceTimeOrder(_:_:)``).
    var sortedInputs: [AlertInput] {
        self.inputs.sorted(by: AlertInput.inDeviceTimeOrder)
    }
}

/// Feeds `inputs` to a fresh engine in the order given and collects every decision.
func decisions(feeding inputs: [AlertInput], rules: AlertRules = AlertRules()) -> [AlertDecision] {
    var engine = DeviceAlertEngine(rules: rules)
    return inputs.flatMap { engine.process($0) }
}

/// Feeds the track's inputs in device-time order to a fresh engine and collects every decision.
func decisions(_ track: TrackBuilder, rules: AlertRules = AlertRules()) -> [AlertDecision] {
    decisions(feeding: track.sortedInputs, rules: rules)
}

extension Array where Element == AlertDecision {
    /// The decisions of one kind, in order.
    func of(_ kind: AlertKind) -> [AlertDecision] {
        self.filter { $0.kind == kind }
    }
}
