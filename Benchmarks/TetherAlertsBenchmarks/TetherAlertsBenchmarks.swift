import Benchmark
import Foundation
import Logging
import TetherAlerts
import TetherCore
import TetherGeo
import TetherServer
import TetherStore
import TetherStoreSQLite
import TetherTesting

/// What deciding alerts costs: one fix through a device's timeline with five fences and a quiet
/// window (pure, in memory), and a batch through the server's `AlertService` (actor and store).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3)
    )

    Benchmark(
        "AlertTimeline.process, one fix, 5 fences and a quiet window",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo)
    ) { benchmark, rules in
        var timeline = AlertTimeline(rules: rules)
        var time: Int64 = 1_767_225_600_000
        for index in benchmark.scaledIterations {
            time += 15_000
            let east = Double(index % 200)
            let fix = PositionFix(
                time: time,
                position: Earth.destination(from: home, bearing: 90, distance: east),
                accuracy: 8
            )
            blackHole(timeline.process([index % 2 == 0 ? .deviceFix(fix) : .ownerFix(fix)]))
        }
    } setup: {
        try fiveFences()
    }

    Benchmark(
        "AlertService.evaluate, 10-fix batch of a tracker (SQLite WAL file)",
        configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(5))
    ) { benchmark, fixture in
        for index in benchmark.scaledIterations {
            let device = fixture.fleet.devices[index % fixture.fleet.devices.count]
            let start = Int64(index) * 150_000 + 1_767_225_600_000
            let events = (0..<10).map { step in
                TelemetryEvent(
                    id: UUID(),
                    timestamp: start + Int64(step) * 15_000,
                    payload: .location(
                        LocationFix(latitude: 52.52, longitude: 13.405, accuracyMeters: 8, source: .gnss)
                    )
                )
            }
            blackHole(try await fixture.alerts.evaluate(events, from: device))
        }
    } setup: {
        try await ServiceFixture.make(devices: 1_000)
    }
}

private let home = Coordinate(uncheckedLatitude: 52.52, longitude: 13.405)

/// A safe place, two keep-in and two keep-out fences around home, and a nightly quiet window.
private func fiveFences() throws -> AlertRules {
    var rules = AlertRules(
        doNotDisturb: DoNotDisturb(
            windows: [
                "night": try QuietWindow(
                    days: Set(Weekday.allCases),
                    start: LocalTime(minutes: 22 * 60),
                    end: LocalTime(minutes: 7 * 60),
                    timeZone: "Europe/Berlin"
                )
            ]
        )
    )
    let roles: [FenceRole] = [.safePlace, .keepIn, .keepOut, .keepIn, .keepOut]
    for (index, role) in roles.enumerated() {
        let center = Earth.destination(from: home, bearing: Double(index) * 72, distance: Double(index) * 300)
        rules.fences.append(
            AlertFence(
                id: "f\(index)",
                name: "fence \(index)",
                role: role,
                geometry: try .validatedCircle(center: center, radius: index == 0 ? 5_000 : 400)
            )
        )
    }
    return rules
}

/// An `AlertService` on a SQLite file with a fleet of trackers.
private struct ServiceFixture: Sendable {
    var alerts: AlertService
    var fleet: StoreFleet

    static func make(devices: Int) async throws -> ServiceFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tether-alerts-\(UUID())")
        let store = try SQLiteStore.open(directory: directory)
        let fleet = try await StoreFleet.pair(serials: (0..<devices).map { "BENCH-\($0)" }, in: store)
        let alerts = AlertService(
            store: store,
            hub: AlertHub(),
            clockMode: .eventTime,
            wallClock: { Date() },
            logger: Logger(label: "tether.bench")
        )
        return ServiceFixture(alerts: alerts, fleet: fleet)
    }
}
