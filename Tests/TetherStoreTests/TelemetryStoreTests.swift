import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// Every backend as a `TelemetryStore`: idempotent ingest, derived state, scoping, removal,
/// Wi-Fi learning and retention. Device times are seconds after `Times.start` (2026-01-01T00:00Z).
struct TelemetryStoreTests {
    private static let day = UTCDay(Times.start)  // 2026-01-01

    // MARK: Idempotency

    @Test(arguments: StoreBackendUnderTest.allCases)
    func resendingABatchStoresAndCountsNothingTwice(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let events = [
                event(10, gnss(52.52, 13.405)),
                event(20, .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: "3.0"))),
                event(30, usage("find", "ring", start: 30, milliseconds: 4_000)),
                event(40, .connection(.connected)),
                event(50, .sos),
            ]
            #expect(try await store.ingest(events, from: device, receivedAt: Times.at(60)).counts == .init(accepted: 5))
            let derived = try await Derived(store, device: device.id, account: ada.id)

            #expect(
                try await store.ingest(events, from: device, receivedAt: Times.at(120)).counts == .init(duplicate: 5)
            )
            #expect(try await StoreInspection.telemetryEventCount(store) == 5)
            // Derived state saw each event once.
            #expect(try await Derived(store, device: device.id, account: ada.id) == derived)
            #expect(derived.usage.map(\.count) == [1])
            #expect(derived.statistics.map(\.count).reduce(0, +) == 5)
            #expect(derived.state.versionHistory.count == 1)
            // The stored copies keep their first receipt.
            let stored = try await store.telemetry(device: device.id, account: ada.id, query: .all)
            #expect(stored?.map(\.receivedAt) == Array(repeating: Times.at(60), count: 5))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aRepeatedEventIDInOneBatchIsADuplicateOfItsFirstUse(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let id = UUID()
            let events = [event(10, .connection(.connected), id: id), event(20, .connection(.disconnected), id: id)]
            let outcome = try await store.ingest(events + [event(30, .sos)], from: device)
            #expect(outcome.counts == .init(accepted: 2, duplicate: 1))
            #expect(try await StoreInspection.telemetryEventCount(store) == 2)
            let stored = try await store.telemetry(
                device: device.id,
                account: ada.id,
                query: .init(since: .distantPast, kind: .connection)
            )
            #expect(stored?.map(\.event) == [events[0]])
            // The ignored copy changed no derived state either.
            #expect(try await store.telemetryState(device: device.id, account: ada.id)?.connection == .connected)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func twoDevicesMayUseTheSameEventID(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, first) = try await pairedDevice(store)
            let second = try await Fixtures(store: store).device(for: ada)
            let shared = UUID()
            let outcomes = try await store.ingest([
                TelemetryBatch(device: first.id, events: [event(10, .sos, id: shared)], receivedAt: Times.at(60)),
                TelemetryBatch(device: second.id, events: [event(20, .sos, id: shared)], receivedAt: Times.at(60)),
            ])
            #expect(outcomes.map(\.counts) == [.init(accepted: 1), .init(accepted: 1)])
            #expect(try await StoreInspection.telemetryEventCount(store) == 2)
            let firstEvents = try await store.telemetry(device: first.id, account: ada.id, query: .all)
            let secondEvents = try await store.telemetry(device: second.id, account: ada.id, query: .all)
            #expect(firstEvents?.map(\.event) == [event(10, .sos, id: shared)])
            #expect(secondEvents?.map(\.event) == [event(20, .sos, id: shared)])
        }
    }

    // MARK: Derived state

    @Test(arguments: StoreBackendUnderTest.allCases)
    func theLastLocationFollowsDeviceTimeNotArrival(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            func state() async throws -> DeviceTelemetryState? {
                try await store.telemetryState(device: device.id, account: ada.id)
            }
            try await store.ingest([event(100, gnss(52.5, 13.4))], from: device)
            // An older fix uploaded later is history, not the current position.
            try await store.ingest([event(50, gnss(48.1, 11.6))], from: device)
            #expect(try await state()?.location == fix(52.5, 13.4))
            #expect(try await state()?.locationAt == Times.at(100))
            #expect(try await state()?.lastEventAt == Times.at(100))
            let history = try await store.telemetry(device: device.id, account: ada.id, query: .all)
            #expect(history?.map(\.event.timestamp) == [Times.at(100).milliseconds, Times.at(50).milliseconds])

            // Out of order within one batch: the newest by device time wins.
            try await store.ingest([event(300, gnss(50.1, 8.7)), event(250, gnss(53.5, 10.0))], from: device)
            #expect(try await state()?.location == fix(50.1, 8.7))
            #expect(try await state()?.locationAt == Times.at(300))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func propertiesMergeAndVersionChangesAreRecorded(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let reports: [(TimeInterval, DeviceProperties)] = [
                (
                    10,
                    DeviceProperties(model: "TAG-1", hardwareVersion: "1.0", softwareVersion: "3.0", batteryPercent: 90)
                ),
                (20, DeviceProperties(signalDBm: -70, batteryPercent: 80)),
                (30, DeviceProperties(softwareVersion: "3.1")),
                (40, DeviceProperties(hardwareVersion: "2.0", softwareVersion: "3.1")),
                // Older than the newest report: ignored, not a downgrade.
                (25, DeviceProperties(softwareVersion: "2.9", batteryPercent: 5)),
            ]
            for (seconds, properties) in reports {
                try await store.ingest([event(seconds, .properties(properties))], from: device)
            }
            let state = try #require(try await store.telemetryState(device: device.id, account: ada.id))
            #expect(
                state.properties
                    == DeviceProperties(
                        model: "TAG-1",
                        hardwareVersion: "2.0",
                        softwareVersion: "3.1",
                        signalDBm: -70,
                        batteryPercent: 80
                    )
            )
            #expect(state.propertiesAt == Times.at(40))
            #expect(
                state.versionHistory == [
                    VersionChange(
                        at: Times.at(10),
                        hardwareVersion: "1.0",
                        softwareVersion: "3.0",
                        previousHardwareVersion: nil,
                        previousSoftwareVersion: nil
                    ),
                    VersionChange(
                        at: Times.at(30),
                        hardwareVersion: "1.0",
                        softwareVersion: "3.1",
                        previousHardwareVersion: "1.0",
                        previousSoftwareVersion: "3.0"
                    ),
                    VersionChange(
                        at: Times.at(40),
                        hardwareVersion: "2.0",
                        softwareVersion: "3.1",
                        previousHardwareVersion: "1.0",
                        previousSoftwareVersion: "3.1"
                    ),
                ]
            )
            // The device record shows the reported versions.
            let stored = try await store.device(id: device.id, account: ada.id)
            #expect(stored?.hardwareVersion == "2.0")
            #expect(stored?.softwareVersion == "3.1")
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func connectionEventsOpenAndClosePeriods(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            func periods(since seconds: TimeInterval) async throws -> [ConnectionPeriod]? {
                try await store.connectionPeriods(device: device.id, account: ada.id, since: Times.at(seconds))
            }
            let links: [(TimeInterval, ConnectionState)] = [
                (100, .connected), (200, .disconnected), (300, .connected), (310, .connected),
            ]
            try await store.ingest(links.map { event($0.0, .connection($0.1)) }, from: device)
            // A repeated `connected` opens no second period; newest first.
            #expect(try await periods(since: 0) == [period(300, nil), period(100, 200)])
            var state = try #require(try await store.telemetryState(device: device.id, account: ada.id))
            #expect(state.connection == .connected)
            #expect(state.connectionSince == Times.at(300))
            #expect(state.lastConnectedAt == Times.at(300))

            try await store.ingest([event(400, .connection(.disconnected))], from: device)
            // Late and older than the newest link event: ignored.
            try await store.ingest([event(350, .connection(.connected))], from: device)
            #expect(try await periods(since: 0) == [period(300, 400), period(100, 200)])
            state = try #require(try await store.telemetryState(device: device.id, account: ada.id))
            #expect(state.connection == .disconnected)
            #expect(state.connectionSince == Times.at(400))
            #expect(state.lastConnectedAt == Times.at(300))

            // `since` keeps periods that ended at or after it, and open ones.
            #expect(try await periods(since: 200) == [period(300, 400), period(100, 200)])
            #expect(try await periods(since: 201) == [period(300, 400)])
            try await store.ingest([event(500, .connection(.connected))], from: device)
            #expect(try await periods(since: 450) == [period(500, nil)])
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func dailyUsageSumsByStartDayFunctionAndOperation(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let nextDay = 86_400.0
            // Two batches in one transaction (summed in memory), then a third (summed in the table).
            let first = [
                event(3_600, usage("find", "ring", start: 3_600, milliseconds: 4_000)),
                event(7_200, usage("find", "ring", start: 7_200, milliseconds: 6_000)),
                event(3_601, usage("battery", "check", start: 3_600, milliseconds: 100)),
            ]
            let second = [
                event(nextDay + 60, usage("find", "ring", start: nextDay + 60, milliseconds: 1_000)),
                // Started a second before midnight, reported after: it counts on the day it started.
                event(nextDay + 5, usage("find", "ring", start: nextDay - 1, milliseconds: 2_000)),
            ]
            _ = try await store.ingest([
                TelemetryBatch(device: device.id, events: first, receivedAt: Times.at(nextDay)),
                TelemetryBatch(device: device.id, events: second, receivedAt: Times.at(nextDay)),
            ])
            let third = [
                event(10_000, usage("find", "ring", start: 10_000, milliseconds: 500)),
                event(10, usage("find", "locate", start: 10, milliseconds: 0)),
            ]
            try await store.ingest(third, from: device)

            let day = Self.day
            let next = day.adding(days: 1)
            #expect(
                try await store.dailyUsage(device: device.id, account: ada.id, from: day.adding(days: -1)) == [
                    DailyUsage(
                        day: day,
                        function: "battery",
                        operation: "check",
                        count: 1,
                        totalDurationMilliseconds: 100
                    ),
                    DailyUsage(day: day, function: "find", operation: "locate", count: 1, totalDurationMilliseconds: 0),
                    DailyUsage(
                        day: day,
                        function: "find",
                        operation: "ring",
                        count: 4,
                        totalDurationMilliseconds: 12_500
                    ),
                    DailyUsage(
                        day: next,
                        function: "find",
                        operation: "ring",
                        count: 1,
                        totalDurationMilliseconds: 1_000
                    ),
                ]
            )
            #expect(
                try await store.dailyUsage(device: device.id, account: ada.id, from: next) == [
                    DailyUsage(
                        day: next,
                        function: "find",
                        operation: "ring",
                        count: 1,
                        totalDurationMilliseconds: 1_000
                    )
                ]
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func dailyStatisticsCountByKindModelAndVersionAndNameNoOne(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (_, tag) = try await pairedDevice(store)  // model TAG-1, no version yet
            let grace = try await Fixtures(store: store).account("grace@example.org")
            let other = try await Fixtures(store: store).device(for: grace)
            try await store.ingest([event(10, .sos), event(20, gnss(52.5, 13.4))], from: tag)
            try await store.ingest(
                [
                    event(30, .properties(DeviceProperties(model: "TAG-2", softwareVersion: "3.4.1"))),
                    event(40, gnss(52.5, 13.4)),
                ],
                from: tag
            )
            try await store.ingest([event(50, gnss(48.1, 11.6)), event(86_410, gnss(48.1, 11.6))], from: other)

            let day = Self.day
            let next = day.adding(days: 1)
            let statistics = try await store.dailyStatistics(from: day)
            // Which model the properties event itself counts under is the ingester's choice; the
            // events after it count under the model and version it reported.
            #expect(statistics.filter { $0.kind == .properties }.map(\.count) == [1])
            #expect(
                statistics.filter { $0.kind != .properties } == [
                    DailyStatistic(day: day, kind: .location, model: "TAG-1", softwareVersion: "", count: 2),
                    DailyStatistic(day: day, kind: .location, model: "TAG-2", softwareVersion: "3.4.1", count: 1),
                    DailyStatistic(day: day, kind: .sos, model: "TAG-1", softwareVersion: "", count: 1),
                    DailyStatistic(day: next, kind: .location, model: "TAG-1", softwareVersion: "", count: 1),
                ]
            )
            #expect(try await store.dailyStatistics(from: next).map(\.day) == [next])

        }
    }

    // MARK: Removal and scoping

    @Test(arguments: StoreBackendUnderTest.allCases)
    func removingADeviceRemovesItsTelemetry(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let grace = try await Fixtures(store: store).account("grace@example.org")
            let kept = try await Fixtures(store: store).device(for: grace)
            try await store.ingest(
                [
                    event(10, gnss(52.5, 13.4)), event(20, .connection(.connected)),
                    event(30, usage("find", "ring", start: 30, milliseconds: 1_000)),
                    event(40, .properties(DeviceProperties(softwareVersion: "3.0"))),
                ],
                from: device
            )
            try await store.ingest([event(10, .sos), event(20, .sos)], from: kept)
            let statistics = try await store.dailyStatistics(from: Self.day)
            #expect(try await StoreInspection.telemetryEventCount(store) == 6)

            #expect(try await store.removeDevice(id: device.id, account: ada.id) != nil)
            #expect(try await StoreInspection.telemetryEventCount(store) == 2)
            #expect(try await store.telemetryState(device: device.id, account: ada.id) == nil)
            #expect(try await store.telemetry(device: device.id, account: ada.id, query: .all) == nil)
            // Operator statistics name no device, so they stay.
            #expect(try await store.dailyStatistics(from: Self.day) == statistics)

            // A batch the pipeline accepted just before the removal stores nothing.
            let outcomes = try await store.ingest([
                TelemetryBatch(device: device.id, events: [event(50, .sos)], receivedAt: Times.at(60)),
                TelemetryBatch(device: kept.id, events: [event(50, .sos)], receivedAt: Times.at(60)),
            ])
            #expect(outcomes.map(\.counts) == [.init(deviceRemoved: true), .init(accepted: 1)])
            #expect(try await StoreInspection.telemetryEventCount(store) == 3)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func readsAreScopedToTheOwnersAccount(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let grace = try await Fixtures(store: store).account("grace@example.org")
            let quiet = try await Fixtures(store: store).device(for: ada)
            try await store.ingest([event(10, gnss(52.5, 13.4)), event(20, .connection(.connected))], from: device)

            for (id, account) in [(device.id, grace.id), (DeviceID.random(), ada.id)] {
                #expect(try await store.telemetry(device: id, account: account, query: .all) == nil)
                #expect(try await store.telemetryState(device: id, account: account) == nil)
                #expect(try await store.connectionPeriods(device: id, account: account, since: .distantPast) == nil)
                #expect(try await store.dailyUsage(device: id, account: account, from: Self.day) == nil)
            }
            // The owner's device that never sent anything answers empty, not nil.
            #expect(try await store.telemetry(device: quiet.id, account: ada.id, query: .all) == [])
            #expect(try await store.telemetryState(device: quiet.id, account: ada.id) == DeviceTelemetryState())
            #expect(try await store.connectionPeriods(device: quiet.id, account: ada.id, since: .distantPast) == [])
            #expect(try await store.dailyUsage(device: quiet.id, account: ada.id, from: Self.day) == [])
            #expect(try await store.telemetry(device: device.id, account: ada.id, query: .all)?.count == 2)
        }
    }

    // MARK: Positions from Wi-Fi scans

    /// Nine access points 45 m apart; the device walks a 15 m grid over ±105 m, taking a GNSS fix
    /// and a scan at each point, and hears every access point with RSSI ≥ -85 dBm (-40 dBm at
    /// 1 m, path-loss exponent 2.7: up to 46 m). Each access point is heard from a set of points
    /// symmetric around it, 37 of them (under `RadioLandmark.maxSamples`), so the learned
    /// position is their plain mean: the access point itself.
    ///
    /// The scan-only position (12 m east, 7 m south of the centre) hears three access points, at
    /// 14, 34 and 40 m. Their amplitude-weighted centroid, worked out independently from the same model,
    /// is (9.1 m, -7.2 m): 2.9 m off. 10 m leaves room for rounding and degree/metre conversion.
    @Test(arguments: StoreBackendUnderTest.allCases)
    func wifiScansLearnAccessPointsThenLocateAScanWithoutAFix(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let centre = coordinate(52.52, 13.405)
            let accessPoints: [(east: Double, north: Double)] = [-45.0, 0, 45].flatMap { east in
                [-45.0, 0, 45].map { north in (east, north) }
            }
            /// The access points heard at `position` (metres east and north of the centre).
            func heard(at position: (Double, Double)) -> [WiFiAccessPointReading] {
                accessPoints.enumerated().compactMap { index, accessPoint in
                    let distance = max(1, hypot(position.0 - accessPoint.0, position.1 - accessPoint.1))
                    let rssi = Int((-40 - 27 * log10(distance)).rounded())
                    return rssi >= -85 ? WiFiAccessPointReading(bssid: "02:00:00:00:00:0\(index)", rssi: rssi) : nil
                }
            }

            // One batch per row of the walk; a point every minute, its scan a second after its fix.
            let steps = stride(from: -105.0, through: 105, by: 15)
            var seconds = 0.0
            var sent = 0
            for north in steps {
                var row: [TelemetryEvent] = []
                for east in steps {
                    let position = offset(centre, east: east, north: north)
                    row.append(event(seconds, gnss(position.latitude, position.longitude)))
                    let readings = heard(at: (east, north))
                    if !readings.isEmpty { row.append(event(seconds + 1, .wifiScan(readings))) }
                    seconds += 60
                }
                let outcome = try await store.ingest(row, from: device, receivedAt: Times.at(seconds))
                #expect(
                    outcome.counts == .init(accepted: row.count),
                    "scans taken at a fix teach, they estimate nothing"
                )
                sent += row.count
            }

            // A scan an hour after the last fix.
            let truth = offset(centre, east: 12, north: -7)
            let scanOnly = [event(seconds + 3_600, .wifiScan(heard(at: (12, -7))))]
            #expect(heard(at: (12, -7)).count == 3)
            let outcome = try await store.ingest(scanOnly, from: device, receivedAt: Times.at(seconds + 3_600))
            #expect(outcome.counts == .init(accepted: 1, estimated: 1))
            // The estimate is handed on with the scan, for the alert engine to evaluate.
            #expect(outcome.stored.map(\.kind) == [.wifiScan, .location])
            #expect(try await StoreInspection.telemetryEventCount(store, source: .server) == 1)

            let estimates = try await store.telemetry(
                device: device.id,
                account: ada.id,
                query: .init(since: Times.at(seconds), kind: .location)
            )
            let estimate = try #require(estimates?.first)
            #expect(estimates?.count == 1)
            #expect(estimate.event.timestamp == scanOnly[0].timestamp)
            guard case .location(let fix) = estimate.event.payload else {
                Issue.record("not a location: \(estimate.event)")
                return
            }
            #expect(fix.source == .estimated)
            let error = coordinate(fix.latitude, fix.longitude).distance(to: truth)
            #expect(error < 10)
            #expect(error < fix.accuracyMeters)
            #expect(try await store.telemetryState(device: device.id, account: ada.id)?.location == fix)

            // Resent (the device missed the answer): a duplicate, and no second estimate.
            let again = try await store.ingest(scanOnly, from: device, receivedAt: Times.at(seconds + 3_700))
            #expect(again.counts == .init(duplicate: 1))
            #expect(try await StoreInspection.telemetryEventCount(store, source: .server) == 1)
            #expect(try await StoreInspection.telemetryEventCount(store, source: .device) == sent + 1)
        }
    }

    // MARK: Retention

    /// Events received at 1,000 s, 2,000 s and 3,000 s after the start, some with device times on
    /// the day before; returns the ids of each batch.
    private func ingestRetentionScenario(_ store: any TetherStorage, _ device: Device) async throws -> [[UUID]] {
        let yesterday = -86_400.0
        let batches: [(TimeInterval, [TelemetryEvent])] = [
            (
                1_000,
                [
                    event(yesterday + 100, .connection(.connected)),
                    event(yesterday + 200, .connection(.disconnected)),
                    event(yesterday + 300, usage("find", "ring", start: yesterday + 300, milliseconds: 1_000)),
                    event(yesterday + 400, .sos),
                ]
            ),
            (2_000, [event(50, usage("find", "ring", start: 50, milliseconds: 2_000)), event(60, gnss(52.5, 13.4))]),
            // Received late, with an old device time: retention goes by receipt.
            (3_000, [event(500, .connection(.connected)), event(510, .sos), event(yesterday + 500, .sos)]),
        ]
        var ids: [[UUID]] = []
        for (received, events) in batches {
            try await store.ingest(events, from: device, receivedAt: Times.at(received))
            ids.append(events.map(\.id))
        }
        return ids
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func pruningDeletesEventsReceivedBeforeTheCutoffAndOlderAggregates(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let ids = try await self.ingestRetentionScenario(store, device)
            #expect(try await StoreInspection.telemetryEventCount(store) == 9)

            let pruned = try await store.pruneTelemetry(
                eventsBefore: Times.at(2_000),
                aggregatesBefore: Self.day,
                limit: 100
            )
            // 4 events received at 1,000 s; the period closed yesterday; yesterday's usage row; and
            // yesterday's statistics rows for connection, usage and sos.
            #expect(pruned == 4 + 1 + 1 + 3)
            try await self.expectRetentionScenarioPruned(
                store,
                ada: ada,
                device: device,
                remaining: Set(ids[1] + ids[2])
            )
            #expect(
                try await store.pruneTelemetry(eventsBefore: Times.at(2_000), aggregatesBefore: Self.day, limit: 100)
                    == 0
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func pruningInSmallStepsReachesTheSameState(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let ids = try await self.ingestRetentionScenario(store, device)
            var total = 0
            var calls = 0
            while true {
                let pruned = try await store.pruneTelemetry(
                    eventsBefore: Times.at(2_000),
                    aggregatesBefore: Self.day,
                    limit: 1
                )
                total += pruned
                calls += 1
                if pruned < 1 || calls > 20 { break }
            }
            #expect(total == 9)
            try await self.expectRetentionScenarioPruned(
                store,
                ada: ada,
                device: device,
                remaining: Set(ids[1] + ids[2])
            )
        }
    }

    private func expectRetentionScenarioPruned(
        _ store: any TetherStorage,
        ada: Account,
        device: Device,
        remaining: Set<UUID>
    ) async throws {
        let stored = try #require(try await store.telemetry(device: device.id, account: ada.id, query: .all))
        #expect(Set(stored.map(\.event.id)) == remaining)
        #expect(stored.allSatisfy { $0.receivedAt >= Times.at(2_000) })
        #expect(try await StoreInspection.telemetryEventCount(store) == remaining.count)
        let yesterday = Self.day.adding(days: -1)
        #expect(
            try await store.dailyUsage(device: device.id, account: ada.id, from: yesterday)?.map(\.day) == [Self.day]
        )
        let statisticDays = try await store.dailyStatistics(from: yesterday).map(\.day)
        #expect(!statisticDays.isEmpty && statisticDays.allSatisfy { $0 == Self.day })
        #expect(
            try await store.connectionPeriods(device: device.id, account: ada.id, since: .distantPast) == [
                period(500, nil)
            ]
        )
        // Derived state is not retention's business.
        #expect(try await store.telemetryState(device: device.id, account: ada.id)?.connection == .connected)
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anOlderPropertiesReportOnlyFillsWhatNothingNewerReported(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            try await store.ingest([event(200, .properties(DeviceProperties(batteryPercent: 40)))], from: device)
            try await store.ingest(
                [
                    event(
                        100,
                        .properties(DeviceProperties(model: "TAG-1", softwareVersion: "3.4.1", batteryPercent: 90))
                    )
                ],
                from: device
            )
            let state = try #require(try await store.telemetryState(device: device.id, account: ada.id))
            #expect(state.properties.batteryPercent == 40)  // the newer value stays
            #expect(state.properties.model == "TAG-1")  // the older one fills what was missing
            #expect(state.properties.softwareVersion == "3.4.1")
            #expect(state.propertiesAt == Times.at(200))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases, [ConnectionState.connected, .disconnected])
    func eventsOfTheSameMillisecondApplyInBatchOrder(backend: StoreBackendUnderTest, last: ConnectionState) async throws
    {
        try await withStore(backend) { store in
            let (ada, device) = try await pairedDevice(store)
            let first: ConnectionState = last == .connected ? .disconnected : .connected
            // An older event after them forces a sort; equal times must keep their order.
            try await store.ingest(
                [event(10, .connection(first)), event(10, .connection(last)), event(5, .sos)],
                from: device
            )
            #expect(try await store.telemetryState(device: device.id, account: ada.id)?.connection == last)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func pruningFindsExpiredEventsStoredAfterNewerOnes(backend: StoreBackendUnderTest) async throws {
        // Batches reach the store out of receipt order when the clock steps back or a batch
        // stamped earlier waits behind another.
        try await withStore(backend) { store in
            let (_, device) = try await pairedDevice(store)
            try await store.ingest([event(10, .sos)], from: device, receivedAt: Times.at(3_000))
            try await store.ingest([event(20, .sos), event(30, .sos)], from: device, receivedAt: Times.at(1_000))
            let pruned = try await store.pruneTelemetry(
                eventsBefore: Times.at(2_000),
                aggregatesBefore: Self.day,
                limit: 100
            )
            let remaining = try await StoreInspection.telemetryEventCount(store)
            #expect(pruned == 2)
            #expect(remaining == 1)
        }
    }
}

// MARK: - Helpers

/// An account with one paired device (model `TAG-1`).
func pairedDevice(_ store: any TetherStorage) async throws -> (Account, Device) {
    let fixtures = Fixtures(store: store)
    let account = try await fixtures.account()
    return (account, try await fixtures.device(for: account))
}

/// An event `seconds` after `Times.start` in device time.
func event(_ seconds: TimeInterval, _ payload: TelemetryPayload, id: UUID = UUID()) -> TelemetryEvent {
    TelemetryEvent(id: id, timestamp: Times.at(seconds).milliseconds, payload: payload)
}

private func fix(_ latitude: Double, _ longitude: Double) -> LocationFix {
    LocationFix(latitude: latitude, longitude: longitude, accuracyMeters: 5, source: .gnss)
}

private func gnss(_ latitude: Double, _ longitude: Double) -> TelemetryPayload {
    .location(fix(latitude, longitude))
}

func usage(
    _ function: String,
    _ operation: String,
    start: TimeInterval,
    milliseconds: Int64
) -> TelemetryPayload {
    .usage(
        UsageRecord(
            function: function,
            operation: operation,
            startMilliseconds: Times.at(start).milliseconds,
            durationMilliseconds: milliseconds
        )
    )
}

private func period(_ connected: TimeInterval, _ disconnected: TimeInterval?) -> ConnectionPeriod {
    ConnectionPeriod(connectedAt: Times.at(connected), disconnectedAt: disconnected.map(Times.at))
}

private struct Coordinate {
    var latitude: Double
    var longitude: Double

    func distance(to other: Coordinate) -> Double {
        // Equirectangular: exact enough over a few hundred metres.
        let metresPerDegree = 6_371_008.8 * Double.pi / 180
        let north = (other.latitude - self.latitude) * metresPerDegree
        let east = (other.longitude - self.longitude) * metresPerDegree * cos(self.latitude * Double.pi / 180)
        return hypot(north, east)
    }
}

private func coordinate(_ latitude: Double, _ longitude: Double) -> Coordinate {
    Coordinate(latitude: latitude, longitude: longitude)
}

/// The point `east` and `north` metres from `origin`.
private func offset(_ origin: Coordinate, east: Double, north: Double) -> Coordinate {
    let metresPerDegree = 6_371_008.8 * Double.pi / 180
    return Coordinate(
        latitude: origin.latitude + north / metresPerDegree,
        longitude: origin.longitude + east / (metresPerDegree * cos(origin.latitude * Double.pi / 180))
    )
}

extension TelemetryQuery {
    /// Every event of every kind.
    fileprivate static let all = TelemetryQuery(since: .distantPast)
}

extension TelemetryStore {
    /// Ingests `events` from `device` as one batch received at `receivedAt`.
    @discardableResult
    func ingest(
        _ events: [TelemetryEvent],
        from device: Device,
        receivedAt: Date = Times.at(100_000)
    ) async throws -> TelemetryBatchOutcome {
        let outcomes = try await self.ingest([TelemetryBatch(device: device.id, events: events, receivedAt: receivedAt)]
        )
        return try #require(outcomes.first)
    }
}

/// Everything ingestion derives for one device, to compare before and after.
private struct Derived: Equatable {
    var state: DeviceTelemetryState
    var usage: [DailyUsage]
    var statistics: [DailyStatistic]
    var periods: [ConnectionPeriod]

    init(_ store: any TetherStorage, device: DeviceID, account: AccountID) async throws {
        self.state = try #require(try await store.telemetryState(device: device, account: account))
        self.usage = try #require(
            try await store.dailyUsage(device: device, account: account, from: UTCDay(daysSinceEpoch: 0))
        )
        self.statistics = try await store.dailyStatistics(from: UTCDay(daysSinceEpoch: 0))
        self.periods = try #require(
            try await store.connectionPeriods(device: device, account: account, since: .distantPast)
        )
    }
}

extension TelemetryBatchOutcome {
    /// The outcome's counts, without the stored events.
    var counts: TelemetryBatchOutcome {
        var counts = self
        counts.stored = []
        return counts
    }
}
