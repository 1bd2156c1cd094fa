/// The daily aggregates and landmark updates of several batches, summed so that a transaction
/// that stores them writes each row once.
///
/// `Device` is however the store names a device in its usage rows.
public struct TelemetryAggregates<Device: Hashable & Sendable>: Sendable {
    /// Usage to add to the stored totals, by device and bucket.
    public private(set) var usage: [Device: [UsageKey: UsageTotals]] = [:]
    /// Events to add to the operator statistics.
    public private(set) var statistics: [StatisticKey: Int] = [:]
    /// Learned landmarks to store, by key: the newest learned value of each.
    public private(set) var landmarks: [String: LandmarkUpdate] = [:]

    /// Nothing yet.
    public init() {}

    /// Adds what one batch of `device` derived. Batches are added in the order they were
    /// derived, each from landmarks that already held the earlier ones' updates.
    public mutating func add(_ writes: DerivedTelemetryWrites, of device: Device) {
        if !writes.usage.isEmpty {
            self.usage[device, default: [:]].merge(writes.usage, uniquingKeysWith: +)
        }
        self.statistics.merge(writes.statistics, uniquingKeysWith: +)
        for (key, update) in writes.landmarks {
            self.landmarks[key] = self.landmarks[key].map { $0.followed(by: update) } ?? update
        }
    }
}
