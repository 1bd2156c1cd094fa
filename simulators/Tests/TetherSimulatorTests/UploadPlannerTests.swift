import Testing
import TetherSimulator

/// Cutting events into uploads: batches in event-time order, late events held back, shuffled
/// and reversed orders that keep every event and every send time.
@Suite struct UploadPlannerTests {
    /// A fix every 15 s for `count` samples.
    func events(_ count: Int) -> [SimEvent] {
        (0..<count).map {
            SimEvent(
                time: Int64($0) * 15_000,
                payload: .location(latitude: 52, longitude: 13, accuracy: 5, source: "gnss")
            )
        }
    }

    @Test func batchesFillInOrderAndGoOutWhenFull() {
        let plan = UploadPlanner.plan([("tag", self.events(12), UploadSettings(batchSize: 5))], seed: 1)
        #expect(plan.map(\.events.count) == [5, 5, 2])
        #expect(plan.map(\.sendAt) == [60_000, 135_000, 165_000])
        #expect(plan.flatMap(\.events) == self.events(12))
    }

    @Test func devicesInterleaveBySendTimeTiesInListOrder() {
        let plan = UploadPlanner.plan(
            [
                ("phone", self.events(6), UploadSettings(batchSize: 3)),
                ("tag", self.events(6), UploadSettings(batchSize: 2)),
            ],
            seed: 1
        )
        #expect(
            plan.map { "\($0.device)@\($0.sendAt / 1_000)" } == ["tag@15", "phone@30", "tag@45", "phone@75", "tag@75"]
        )
    }

    @Test func lateEventsAreHeldBackUntilTheirSendTime() {
        let late = UploadSettings.Late(from: 30_000, to: 90_000, sendAt: 150_000)
        let plan = UploadPlanner.plan([("tag", self.events(10), UploadSettings(batchSize: 3, late: [late]))], seed: 1)
        #expect(plan.map(\.sendAt) == [90_000, 135_000, 150_000, 150_000])
        #expect(
            plan.map { $0.events.map { $0.time / 1_000 } } == [[0, 15, 90], [105, 120, 135], [30, 45, 60], [75]]
        )
    }

    @Test(arguments: [UploadSettings.Order.shuffled, .reversed])
    func reorderingKeepsEveryEventAndSendTime(order: UploadSettings.Order) {
        let ordered = UploadPlanner.plan([("tag", self.events(40), UploadSettings(batchSize: 4))], seed: 9)
        let settings = UploadSettings(batchSize: 4, order: order, window: 3)
        let plan = UploadPlanner.plan([("tag", self.events(40), settings)], seed: 9)
        #expect(plan.map(\.sendAt) == ordered.map(\.sendAt))
        #expect(plan.flatMap(\.events).map(\.time).sorted() == self.events(40).map(\.time))
        #expect(plan.flatMap(\.events) != self.events(40))
        // Batches move only within their window of three.
        for (index, batch) in plan.enumerated() {
            let original = ordered.firstIndex { Set($0.events.map(\.time)) == Set(batch.events.map(\.time)) }!
            #expect(original / 3 == index / 3)
        }
        // The same seed, the same order.
        #expect(UploadPlanner.plan([("tag", self.events(40), settings)], seed: 9) == plan)
        if order == .reversed {
            #expect(plan[0].events.map(\.time) == ordered[2].events.map(\.time).reversed())
        }
    }
}
