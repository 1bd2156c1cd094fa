import PropertyBased
import Testing
import TetherAlerts
import TetherCore
import TetherGeo

/// Uploads arrive in batches and out of order; the caller sorts by device time before feeding,
/// and the engine must then decide exactly what it decides on the track fed in order.
struct ReplayOrderTests {
    /// Two walks away and back, a link drop, battery reports, a keep-in park and an SOS. With
    /// `phoneOffset` 0 the device and the phone report at the same instants.
    private static func richTrack(phoneOffset: Double) throws -> (TrackBuilder, AlertRules) {
        var track = TrackBuilder()
        let phone = Route.walk(to: 150, departing: 30).then(to: 0, departing: 240).then(to: 400, departing: 450)
        track.device(.standing(), every: 10, through: 900)
        track.owner(phone, every: 10, from: phoneOffset, through: 900)
        track.link(.disconnected, at: 47.5)
        track.link(.connected, at: 347.5)
        for (index, percent) in [40, 20, 15, 16, 15, 30, 12].enumerated() {
            track.battery(percent, at: 2.5 + 120 * Double(index))
        }
        track.sos(at: 612.5)
        // The device is carried out of the park once, late in the track, and is back 9 s later.
        track.deviceFix(at: 881, meters: 500, accuracy: 5)
        let park = try FenceGeometry.validatedCircle(center: home, radius: 300)
        let rules = AlertRules(fences: [AlertFence(id: "park", name: "Park", role: .keepIn, geometry: park)])
        return (track, rules)
    }

    /// The inputs cut into consecutive batches of random sizes, the batches in random order and
    /// each shuffled: what a server may receive.
    private static func deliver(_ inputs: [AlertInput], seed: UInt64) -> [AlertInput] {
        var random = SplitMix64(seed: seed)
        var batches: [[AlertInput]] = []
        var rest = inputs[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...12, using: &random)
            batches.append(Array(rest.prefix(size)).shuffled(using: &random))
            rest = rest.dropFirst(size)
        }
        return batches.shuffled(using: &random).flatMap { $0 }
    }

    @Test
    func shuffledBatchesSortedByTimeGiveTheSameDecisions() async throws {
        let (track, rules) = try Self.richTrack(phoneOffset: 5)
        let expected = decisions(track, rules: rules)
        // The track decides plenty: both anti-lost episodes, the battery, the SOS, the fence.
        #expect(expected.of(.antiLost).count >= 3)
        #expect(expected.of(.lowBattery).count == 3)
        #expect(expected.of(.sos).count == 1)
        #expect(expected.of(.keepIn).count == 2)

        await propertyCheck(count: 200, input: Gen.uint64()) { seed in
            let delivered = Self.deliver(track.sortedInputs, seed: seed)
            let sorted = delivered.sorted { $0.time < $1.time }
            #expect(decisions(feeding: sorted, rules: rules) == expected)
        }
    }

    @Test
    func inputsAtTheSameInstantGiveTheSameDecisionsInEitherOrder() throws {
        // Device and phone fixes share their timestamps, so sorting by time alone leaves their
        // relative order to the delivery.
        let (track, rules) = try Self.richTrack(phoneOffset: 0)
        // Two deliveries that differ only in the order of equal-time device and phone fixes.
        func delivery(phoneFirst: Bool) -> [AlertInput] {
            track.sortedInputs.enumerated().sorted { a, b in
                func rank(_ input: AlertInput) -> Int {
                    if case .ownerFix = input { return phoneFirst ? 0 : 1 }
                    return phoneFirst ? 1 : 0
                }
                return (a.element.time, rank(a.element), a.offset) < (b.element.time, rank(b.element), b.offset)
            }.map(\.element)
        }
        let deviceFirst = delivery(phoneFirst: false)
        let phoneFirst = delivery(phoneFirst: true)
        #expect(phoneFirst != deviceFirst)
        // The engine's order makes them one sequence…
        #expect(
            phoneFirst.sorted(by: AlertInput.inDeviceTimeOrder) == deviceFirst.sorted(by: AlertInput.inDeviceTimeOrder)
        )
        // …and a timeline fed either delivery in one batch reports the same decisions.
        var first = AlertTimeline(rules: rules)
        var second = AlertTimeline(rules: rules)
        let expected = first.process(deviceFirst)
        #expect(!expected.isEmpty)
        #expect(second.process(phoneFirst) == expected)
    }
}
