/// One upload: a device's batch and the event time it goes out at.
public struct PlannedBatch: Sendable, Hashable {
    /// The device's name.
    public var device: String
    /// Event time at which the device sends it, milliseconds after the start.
    public var sendAt: Int64
    /// The events, in the order they are sent.
    public var events: [SimEvent]
}

/// Cuts each device's events into batches and orders every upload of a scenario, as the
/// upload settings say: batches fill in event-time order and go out when full (or when their
/// device's events end); late events go out at their `send_at`; shuffled or reversed orders
/// reorder the events inside each batch and the batches within each window. Uploads of all
/// devices then go out by send time, ties in device order.
public enum UploadPlanner {
    /// Every upload of the devices in `devices` (name, events, resolved settings), in send order.
    public static func plan(
        _ devices: [(name: String, events: [SimEvent], upload: UploadSettings)],
        seed: UInt64
    ) -> [PlannedBatch] {
        var uploads: [(batch: PlannedBatch, device: Int, sequence: Int)] = []
        for (index, device) in devices.enumerated() {
            var random = SplitMix64Source(seed: device.upload.seed ?? seed, label: "upload/\(device.name)")
            let batches = self.batches(device.name, device.events, device.upload, random: &random)
            uploads += batches.enumerated().map { ($0.element, index, $0.offset) }
        }
        return uploads.sorted { ($0.batch.sendAt, $0.device, $0.sequence) < ($1.batch.sendAt, $1.device, $1.sequence) }
            .map(\.batch)
    }

    /// One device's batches in its own send order.
    static func batches(
        _ device: String,
        _ events: [SimEvent],
        _ settings: UploadSettings,
        random: inout SplitMix64Source
    ) -> [PlannedBatch] {
        let size = settings.batchSize ?? 5
        let late = settings.late ?? []
        var onTime: [SimEvent] = []
        var held: [[SimEvent]] = Array(repeating: [], count: late.count)
        for event in events {
            if let rule = late.firstIndex(where: { $0.from <= event.time && event.time < $0.to }) {
                held[rule].append(event)
            } else {
                onTime.append(event)
            }
        }
        var batches = self.chunks(onTime, size: size).map {
            PlannedBatch(device: device, sendAt: $0.last!.time, events: $0)
        }
        batches = self.reorder(batches, settings.order ?? .ordered, window: settings.window ?? 4, random: &random)
        for (rule, events) in zip(late, held) {
            batches += self.chunks(events, size: size).map {
                PlannedBatch(device: device, sendAt: rule.sendAt, events: $0)
            }
        }
        return batches
    }

    /// Reorders batches within windows: each window keeps its send times, in order, and hands
    /// them to its batches in the new order; events inside each batch are reordered too.
    static func reorder(
        _ batches: [PlannedBatch],
        _ order: UploadSettings.Order,
        window: Int,
        random: inout SplitMix64Source
    ) -> [PlannedBatch] {
        guard order != .ordered else { return batches }
        var result: [PlannedBatch] = []
        for group in self.chunks(batches, size: window) {
            var contents = group.map(\.events)
            switch order {
            case .shuffled:
                contents = self.shuffled(contents, random: &random).map { self.shuffled($0, random: &random) }
            case .reversed:
                contents = contents.reversed().map { $0.reversed() }
            case .ordered:
                break
            }
            for (slot, events) in zip(group, contents) {
                result.append(PlannedBatch(device: slot.device, sendAt: slot.sendAt, events: events))
            }
        }
        return result
    }

    /// A seeded Fisher–Yates shuffle.
    static func shuffled<Element>(_ elements: [Element], random: inout SplitMix64Source) -> [Element] {
        var elements = elements
        for index in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(index, random.next(below: index + 1))
        }
        return elements
    }

    static func chunks<Element>(_ elements: [Element], size: Int) -> [[Element]] {
        stride(from: 0, to: elements.count, by: size).map { Array(elements[$0..<min($0 + size, elements.count)]) }
    }
}
