/// A change to a device's connection periods, for the store to write in order.
public enum ConnectionPeriodChange: Sendable, Hashable {
    /// The device connected at this device time: a new open period starts.
    case open(at: Int64)
    /// The device disconnected at this device time: the open period (if any) ends.
    case close(at: Int64)
}
