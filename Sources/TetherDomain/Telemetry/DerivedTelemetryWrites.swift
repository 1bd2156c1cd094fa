public import Foundation
public import TetherCore

/// What one batch of new events changes, as plain records for a store to write in the
/// transaction that stores the events: what ``TelemetryDerivation`` derives.
public struct DerivedTelemetryWrites: Sendable, Hashable {
    /// The batch's new events in device-time order (events of the same millisecond keep their
    /// batch order): the order in which they were applied.
    public let events: [TelemetryEvent]
    /// The device's derived state after the events and the kept ``estimates``.
    public private(set) var state: DerivedDeviceState
    /// Hardware and software version changes to append to the history, oldest first.
    public let versionChanges: [VersionChange]
    /// Connection periods to open and close, in order.
    public let connectionChanges: [ConnectionPeriodChange]
    /// Usage to add to the device's daily totals.
    public let usage: [UsageKey: UsageTotals]
    /// Events to add to the operator statistics.
    public let statistics: [StatisticKey: Int]
    /// Learned landmarks to store, by key.
    public let landmarks: [String: LandmarkUpdate]
    /// Positions estimated from scans without a fix, as `location` events of source `estimated`
    /// to store like device events, in device-time order.
    public private(set) var estimates: [TelemetryEvent]
    /// The state after the events, before any estimate moved the position.
    private let stateBeforeEstimates: DerivedDeviceState

    init(
        events: [TelemetryEvent],
        state: DerivedDeviceState,
        versionChanges: [VersionChange],
        connectionChanges: [ConnectionPeriodChange],
        usage: [UsageKey: UsageTotals],
        statistics: [StatisticKey: Int],
        landmarks: [String: LandmarkUpdate],
        estimates: [TelemetryEvent]
    ) {
        self.events = events
        self.stateBeforeEstimates = state
        self.state = state
        self.versionChanges = versionChanges
        self.connectionChanges = connectionChanges
        self.usage = usage
        self.statistics = statistics
        self.landmarks = landmarks
        self.estimates = []
        self.keepEstimates(estimates)
    }

    /// Keeps only the estimates whose ids are in `stored` (a store that finds an estimate's id
    /// taken stores nothing for it), so that only those move the device's position.
    public mutating func keepEstimates(storedIDs stored: Set<UUID>) {
        let kept = self.estimates.filter { stored.contains($0.id) }
        guard kept.count != self.estimates.count else { return }
        self.keepEstimates(kept)
    }

    private mutating func keepEstimates(_ estimates: [TelemetryEvent]) {
        var state = self.stateBeforeEstimates
        for estimate in estimates {
            guard case .location(let fix) = estimate.payload else { continue }
            state.locate(fix, at: estimate.timestamp)
        }
        self.estimates = estimates
        self.state = state
    }

    /// The events and the kept estimates in device-time order, an estimate after the events of
    /// its millisecond: what the alert engine evaluates.
    public var stored: [TelemetryEvent] {
        guard !self.estimates.isEmpty else { return self.events }
        return TelemetryDerivation.inDeviceTimeOrder(self.events + self.estimates)
    }
}
