import PropertyBased
import Testing
import TetherCore
import TetherDomain
import TetherGeo

/// Laws of the ingest rules over generated events: derived state follows device time, not the
/// order or grouping in which the same events arrive.
struct TelemetryDerivationLawTests {
    /// One generated event: what kind, a value to vary it by, where it arrives, and whether a new
    /// batch starts before it.
    private struct Draw: Sendable {
        var kind: Int
        var value: Int
        var arrival: Int
        var newBatch: Bool
    }

    /// Checks `body` over generated lists of 1 to 40 draws of kinds `kinds`.
    private static func check(kinds: ClosedRange<Int>, _ body: ([Draw]) -> Void) async {
        let draws = zip(Gen.int(in: kinds), Gen.int(in: 0...99), Gen.int(in: 0...1_000_000), Gen.bool(0.2))
            .map { Draw(kind: $0.0, value: $0.1, arrival: $0.2, newBatch: $0.3) }
            .array(of: 1...40)
        await propertyCheck(input: draws) { body($0) }
    }

    @Test
    func oneBatchDerivesTheSameWhateverTheOrderOfItsEvents() async {
        await Self.check(kinds: 0...5) { draws in
            let events = Self.events(draws)
            let landmarks = [RadioScan.wifiKey("02:00:00:00:00:01"): RadioLandmark(firstHeardAt: Self.origin)]
            #expect(
                derive(Self.arrivalOrder(events, draws), landmarks: landmarks) == derive(events, landmarks: landmarks)
            )
        }
    }

    @Test
    func theStateEndsTheSameHoweverTheEventsArriveInBatches() async {
        await Self.check(kinds: 0...4) { draws in
            let events = Self.events(draws)
            var state = DerivedDeviceState()
            for batch in Self.batches(events, draws) {
                state = derive(batch, state: state).state
            }
            let inOrder = derive(events).state
            #expect(state.lastEventTime == inOrder.lastEventTime)
            #expect(state.location == inOrder.location)
            #expect(state.locationTime == inOrder.locationTime)
            #expect(state.connection == inOrder.connection)
            #expect(state.connectionTime == inOrder.connectionTime)
            // Each report carries every property, so the newest one holds.
            #expect(state.properties == inOrder.properties)
            #expect(state.propertiesTime == inOrder.propertiesTime)
        }
    }

    @Test
    func usageAndStatisticsSumTheSameHoweverTheEventsAreBatched() async {
        // Kinds 0...3: no properties reports, which change the version later events count under.
        await Self.check(kinds: 0...3) { draws in
            let events = Self.events(draws)
            var batched = TelemetryAggregates<Int>()
            var state = DerivedDeviceState()
            for batch in Self.batches(events, draws) {
                let writes = derive(batch, state: state)
                batched.add(writes, of: 7)
                state = writes.state
            }
            var whole = TelemetryAggregates<Int>()
            whole.add(derive(events), of: 7)
            #expect(batched.usage == whole.usage)
            #expect(batched.statistics == whole.statistics)
        }
    }

    // MARK: Events from draws

    private static let origin = coordinate(52.52, 13.405)

    /// Event `i` at device time `7 i` s (distinct times), its payload by the draw's kind.
    private static func events(_ draws: [Draw]) -> [TelemetryEvent] {
        draws.enumerated().map { index, draw in
            let value = draw.value
            let payload: TelemetryPayload =
                switch draw.kind {
                case 0:
                    gnss(offset(Self.origin, east: Double(value * 10), north: 0), accuracy: Double(value * 2))
                case 1: .connection(value.isMultiple(of: 2) ? .connected : .disconnected)
                case 2:
                    usage(
                        "find",
                        value.isMultiple(of: 3) ? "ring" : "locate",
                        start: Int64(value * 997),
                        milliseconds: Int64(value)
                    )
                case 3: .sos
                case 4:
                    .properties(
                        DeviceProperties(
                            model: "TAG-\(value % 3)",
                            hardwareVersion: "\(value % 2).0",
                            softwareVersion: "3.\(value % 4)",
                            signalDBm: -value,
                            batteryPercent: value,
                            ipAddress: "10.0.0.\(value)"
                        )
                    )
                default: wifi(("02:00:00:00:00:01", -40 - value), ("02:00:00:00:00:\(value % 3)", -60))
                }
            return event(Int64(index) * 7, payload, id: eventID(index))
        }
    }

    /// `events` in the order the draws' arrival keys give.
    private static func arrivalOrder(_ events: [TelemetryEvent], _ draws: [Draw]) -> [TelemetryEvent] {
        Self.batches(events, draws).flatMap { $0 }
    }

    /// `events` in arrival order, cut into batches where the draws say.
    private static func batches(_ events: [TelemetryEvent], _ draws: [Draw]) -> [[TelemetryEvent]] {
        let arriving = zip(events, draws).sorted { ($0.1.arrival, $0.0.timestamp) < ($1.1.arrival, $1.0.timestamp) }
        var batches: [[TelemetryEvent]] = [[]]
        for (event, draw) in arriving {
            if draw.newBatch, !batches[batches.count - 1].isEmpty { batches.append([]) }
            batches[batches.count - 1].append(event)
        }
        return batches
    }
}
