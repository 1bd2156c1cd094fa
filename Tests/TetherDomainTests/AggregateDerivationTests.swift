import Testing
import TetherCore
import TetherDomain
import TetherGeo

/// Daily usage, operator statistics, and summing them over the batches of a transaction.
struct AggregateDerivationTests {
    @Test
    func usageSumsAcrossTheBatchByStartDayFunctionAndOperation() {
        let writes = derive([
            event(100, usage("find", "ring", start: 90, milliseconds: 4_000)),
            event(200, usage("find", "ring", start: 190, milliseconds: 6_000)),
            event(300, usage("find", "locate", start: 290, milliseconds: 1_000)),
            // Reported after midnight, started before it: the start's day counts.
            event(86_410, usage("find", "ring", start: 86_390, milliseconds: 500)),
            event(86_420, usage("find", "ring", start: 86_410, milliseconds: 700)),
        ])
        let nextDay = Times.day.adding(days: 1)
        #expect(
            writes.usage == [
                UsageKey(day: Times.day, function: "find", operation: "ring"): UsageTotals(
                    count: 3,
                    durationMilliseconds: 10_500
                ),
                UsageKey(day: Times.day, function: "find", operation: "locate"): UsageTotals(
                    count: 1,
                    durationMilliseconds: 1_000
                ),
                UsageKey(day: nextDay, function: "find", operation: "ring"): UsageTotals(
                    count: 1,
                    durationMilliseconds: 700
                ),
            ]
        )
    }

    @Test
    func statisticsCountByEventDayKindModelAndVersion() {
        let writes = derive([
            event(10, .sos),
            // Counted under the version it replaces; the events after it under the new one.
            event(20, .properties(DeviceProperties(model: "TAG-2", softwareVersion: "3.0"))),
            event(30, .sos),
            event(40, .sos),
            event(86_400, .sos),
        ])
        let nextDay = Times.day.adding(days: 1)
        #expect(
            writes.statistics == [
                StatisticKey(day: Times.day, kind: .sos, model: "TAG-1", softwareVersion: ""): 1,
                StatisticKey(day: Times.day, kind: .properties, model: "TAG-1", softwareVersion: ""): 1,
                StatisticKey(day: Times.day, kind: .sos, model: "TAG-2", softwareVersion: "3.0"): 2,
                StatisticKey(day: nextDay, kind: .sos, model: "TAG-2", softwareVersion: "3.0"): 1,
            ]
        )
    }

    @Test
    func statisticsUseTheRegisteredModelAndVersionUntilTheDeviceReportsItsOwn() {
        let writes = TelemetryDerivation.derive(
            [event(10, .sos)],
            state: DerivedDeviceState(),
            registeredModel: "TAG-9",
            registeredSoftwareVersion: "0.9",
            landmarks: [:]
        )
        #expect(
            writes.statistics == [StatisticKey(day: Times.day, kind: .sos, model: "TAG-9", softwareVersion: "0.9"): 1]
        )
    }

    @Test
    func aggregatesOfSeveralBatchesSumPerDevice() {
        let first = derive([
            event(10, usage("find", "ring", start: 10, milliseconds: 1_000)),
            event(20, .sos),
        ])
        let second = derive([
            event(30, usage("find", "ring", start: 30, milliseconds: 2_000)),
            event(40, .sos),
        ])
        var aggregates = TelemetryAggregates<Int>()
        aggregates.add(first, of: 1)
        aggregates.add(second, of: 1)
        aggregates.add(second, of: 2)
        let ring = UsageKey(day: Times.day, function: "find", operation: "ring")
        #expect(aggregates.usage[1] == [ring: UsageTotals(count: 2, durationMilliseconds: 3_000)])
        #expect(aggregates.usage[2] == [ring: UsageTotals(count: 1, durationMilliseconds: 2_000)])
        #expect(
            aggregates.statistics[StatisticKey(day: Times.day, kind: .sos, model: "TAG-1", softwareVersion: "")] == 3
        )
        #expect(
            aggregates.statistics[StatisticKey(day: Times.day, kind: .usage, model: "TAG-1", softwareVersion: "")] == 3
        )
    }

    @Test
    func aLandmarkLearnedTwiceInATransactionKeepsTheLaterValueAtTheNewestTime() {
        let berlin = coordinate(52.52, 13.405)
        let learned = RadioLandmark(firstHeardAt: berlin)
        let relearned = learned.learning(from: offset(berlin, east: 20, north: 0))
        var aggregates = TelemetryAggregates<Int>()
        // Two devices' batches: the second learned from the first's landmark, from an older scan.
        let first = derive([event(100, gnss(berlin)), event(101, wifi(("02:00:00:00:00:01", -50)))])
        let second = derive(
            [event(10, gnss(offset(berlin, east: 20, north: 0))), event(11, wifi(("02:00:00:00:00:01", -50)))],
            landmarks: ["wifi:02:00:00:00:00:01": learned]
        )
        aggregates.add(first, of: 1)
        aggregates.add(second, of: 2)
        #expect(
            aggregates.landmarks == [
                "wifi:02:00:00:00:00:01": LandmarkUpdate(landmark: relearned, updatedAt: Times.at(101))
            ]
        )
    }
}
