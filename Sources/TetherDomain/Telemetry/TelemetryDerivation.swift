public import Foundation
public import TetherCore
public import TetherGeo

/// The telemetry ingest rules: what a batch of new events does to a device's derived state,
/// its daily usage, the operator statistics and the learned radio landmarks.
///
/// Pure and deterministic: a store inserts the raw events (deduplication is its job), reads the
/// device's state and the landmarks the batch's scans heard, calls
/// ``derive(_:state:registeredModel:registeredSoftwareVersion:landmarks:)`` with the events
/// that were new, and writes the ``DerivedTelemetryWrites`` it gets back in the same transaction.
///
/// The rules:
/// - Events apply in device-time order; events of the same millisecond keep their batch order.
/// - Properties: a report at least as new as the newest overwrites what it carries, an older one
///   only fills gaps; a changed hardware or software version is recorded once per change.
/// - Location, connection: the newest by device time wins; an older event is ignored.
///   `connected` opens a connection period, `disconnected` closes it.
/// - Usage: summed per UTC day of the use's start, function and operation.
/// - Statistics: events counted per UTC day of their device time, kind, model and software
///   version (the device's newest reported ones, else the ones it registered with).
/// - Landmarks: a Wi-Fi or cell scan within ``scanFixPairingMilliseconds`` of a GNSS fix of at
///   most ``learningAccuracyMeters`` teaches that fix to every transmitter it heard. A scan
///   without such a fix gets a position estimated from the known transmitters it heard, as a
///   `location` event of source `estimated` with the id ``estimateID(for:)``.
public enum TelemetryDerivation {
    /// A scan counts as taken at a GNSS fix when the two are at most this far apart in device time.
    public static let scanFixPairingMilliseconds: Int64 = 30_000
    /// Only fixes at least this accurate (radius in metres) teach landmark positions.
    public static let learningAccuracyMeters = 100.0

    /// The writes that the new events `events` of one device make.
    ///
    /// - Parameters:
    ///   - events: The batch's events that were not stored before, in batch order.
    ///   - state: The device's derived state before them.
    ///   - registeredModel: The model the device was registered with (used until it reports one).
    ///   - registeredSoftwareVersion: The software version it was registered with, if any.
    ///   - landmarks: The stored landmarks among ``RadioScan/landmarkKeys(in:)`` of `events`;
    ///     a key that is missing is not known yet.
    public static func derive(
        _ events: [TelemetryEvent],
        state: DerivedDeviceState,
        registeredModel: String,
        registeredSoftwareVersion: String?,
        landmarks: [String: RadioLandmark]
    ) -> DerivedTelemetryWrites {
        let events = Self.inDeviceTimeOrder(events)
        var state = state
        var versionChanges: [VersionChange] = []
        var connectionChanges: [ConnectionPeriodChange] = []
        var usage: [UsageKey: UsageTotals] = [:]
        var statistics: [StatisticKey: Int] = [:]
        var positioning = ScanPositioning(events: events, stateBefore: state, landmarks: landmarks)
        for event in events {
            let time = event.timestamp
            let statistic = StatisticKey(
                day: UTCDay(milliseconds: time),
                kind: event.kind,
                model: state.properties.model ?? registeredModel,
                softwareVersion: state.properties.softwareVersion ?? registeredSoftwareVersion ?? ""
            )
            statistics[statistic, default: 0] += 1
            state.lastEventTime = max(state.lastEventTime ?? time, time)
            switch event.payload {
            case .properties(let reported):
                if let change = state.merge(reported, at: time) { versionChanges.append(change) }
            case .location(let fix):
                state.locate(fix, at: time)
            case .usage(let record):
                let key = UsageKey(
                    day: UTCDay(milliseconds: record.startMilliseconds),
                    function: record.function,
                    operation: record.operation
                )
                usage[key, default: .zero] =
                    usage[key, default: .zero]
                    + UsageTotals(count: 1, durationMilliseconds: record.durationMilliseconds)
            case .connection(let link):
                if let change = state.link(link, at: time) { connectionChanges.append(change) }
            case .wifiScan, .cellTowers, .beacons, .sos:
                break
            }
        }
        positioning.locate(events)
        return DerivedTelemetryWrites(
            events: events,
            state: state,
            versionChanges: versionChanges,
            connectionChanges: connectionChanges,
            usage: usage,
            statistics: statistics,
            landmarks: positioning.updates,
            estimates: positioning.estimates
        )
    }

    /// The id of the estimate made from scan `scanID`: fixed, so a resent scan estimates nothing new.
    public static func estimateID(for scanID: UUID) -> UUID {
        var bytes = scanID.uuid
        withUnsafeMutableBytes(of: &bytes) { raw in
            for index in raw.indices { raw[index] ^= 0xA5 }
        }
        return UUID(uuid: bytes)
    }

    /// `events` by device time; events of the same millisecond keep their order.
    static func inDeviceTimeOrder(_ events: [TelemetryEvent]) -> [TelemetryEvent] {
        let sorted = zip(events, events.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp }
        guard !sorted else { return events }
        return events.enumerated()
            .sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
            .map(\.element)
    }
}
