import ArgumentParser
import Foundation
import Histogram
import TetherAlerts
import TetherCore
import TetherGeo

/// `tether-bench alerts`: the alert engine on a synthetic fleet: `--devices` devices, each with
/// `--fences` fences (keep-in, keep-out and safe places around its home) and a quiet window,
/// fed device and phone fixes in time order through each device's ``AlertTimeline`` (as the
/// server will: the in-order path, plus folding inputs out of the reorder window). Prints events per second and the per-event
/// latency (p50/p99) from an HDR histogram.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert engine evaluation latency and throughput on a synthetic fleet."
    )

    @Option(help: "Devices, each with its own engine and rules.")
    var devices: Int = 100_000

    @Option(help: "Fences per device.")
    var fences: Int = 5

    @Option(help: "Events to evaluate (device and phone fixes, round-robin over the devices).")
    var events: Int = 2_000_000

    @Option(help: "Seed of the synthetic fleet.")
    var seed: UInt64 = 42

    func validate() throws {
        guard self.devices >= 1, self.fences >= 0, self.events >= 1 else {
            throw ValidationError("--devices and --events must be at least 1, --fences at least 0")
        }
    }

    func run() throws {
        var random = SplitMix64(seed: self.seed)
        let (fleet, setupSeconds) = try Stopwatch.time {
            try SyntheticFleet(devices: self.devices, fences: self.fences, random: &random)
        }
        var timelines = fleet.engines.map { AlertTimeline(rules: $0.rules) }
        var latencies = Histogram<UInt64>(highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: .three)
        var decisions = 0
        var time: Int64 = 1_767_225_600_000
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<self.events {
            let device = index % self.devices
            // Every device gets a fix, then its owner's phone, a second apart; a tenth of the
            // devices wander 0–2 km from home, so states change and alerts fire.
            time += 1
            let home = fleet.homes[device]
            let wander =
                device % 10 == 0
                ? Double.random(in: 0...2_000, using: &random) : Double.random(in: 0...20, using: &random)
            let position = Earth.destination(
                from: home,
                bearing: Double.random(in: 0..<360, using: &random),
                distance: wander
            )
            let fix = PositionFix(time: time, position: position, accuracy: Double.random(in: 5...25, using: &random))
            let input: AlertInput = (index / self.devices) % 2 == 0 ? .deviceFix(fix) : .ownerFix(fix)
            let before = clock.now
            decisions += timelines[device].process([input]).count
            _ = latencies.record(UInt64(max(1, before.duration(to: clock.now).nanoseconds)))
        }
        let seconds = start.duration(to: clock.now).timeInterval
        try JSONLine.print([
            "bench": "alerts", "devices": self.devices, "fences_per_device": self.fences, "events": self.events,
            "seconds": Stopwatch.round(seconds), "events_per_s": Int(Double(self.events) / seconds),
            "p50_us": Double(latencies.valueAtPercentile(50)) / 1_000,
            "p99_us": Double(latencies.valueAtPercentile(99)) / 1_000,
            "max_us": Double(latencies.max) / 1_000, "decisions": decisions, "setup_s": Stopwatch.round(setupSeconds),
        ])
    }
}

/// Devices with homes spread over Europe, each with its rules.
struct SyntheticFleet {
    var homes: [Coordinate] = []
    var engines: [DeviceAlertEngine] = []

    init(devices: Int, fences: Int, random: inout SplitMix64) throws {
        let window = try QuietWindow(
            days: Set(Weekday.allCases),
            start: LocalTime(minutes: 22 * 60),
            end: LocalTime(minutes: 7 * 60),
            timeZone: "Europe/Berlin"
        )
        self.homes.reserveCapacity(devices)
        self.engines.reserveCapacity(devices)
        for device in 0..<devices {
            let home = Coordinate(
                uncheckedLatitude: Double.random(in: 36...60, using: &random),
                longitude: Double.random(in: -9...30, using: &random)
            )
            var rules = AlertRules(doNotDisturb: DoNotDisturb(windows: ["night": window]))
            for index in 0..<fences {
                let center = Earth.destination(
                    from: home,
                    bearing: Double(index) * 72,
                    distance: index == 0 ? 0 : Double.random(in: 200...3_000, using: &random)
                )
                let roles: [FenceRole] = [.safePlace, .keepIn, .keepOut]
                let geometry: FenceGeometry =
                    index % 2 == 0
                    ? try .validatedCircle(center: center, radius: index == 0 ? 5_000 : 150)
                    : try .polygon(Self.square(around: center, half: 200))
                rules.fences.append(
                    AlertFence(
                        id: "f\(device)-\(index)",
                        name: "fence \(index)",
                        role: roles[index % 3],
                        geometry: geometry
                    )
                )
            }
            self.homes.append(home)
            self.engines.append(DeviceAlertEngine(rules: rules))
        }
    }

    private static func square(around center: Coordinate, half: Double) throws -> Polygon {
        let corners = [45.0, 135, 225, 315, 45].map {
            Earth.destination(from: center, bearing: $0, distance: half * 2.0.squareRoot())
        }
        return try Polygon(exterior: corners)
    }
}
