public import TetherGeo

/// Where a device truly is at one sample of its track, and what its sensors do then.
public struct TrackSample: Sendable, Hashable {
    /// Event time, milliseconds after the scenario's start.
    public var time: Int64
    /// The true position (before jitter).
    public var position: Coordinate
    /// The sensors in force, every value set.
    public var sensors: SensorSettings
}
