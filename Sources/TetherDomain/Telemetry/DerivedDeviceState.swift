public import TetherCore

/// What ingestion has derived about one device so far, in device-time milliseconds: the state a
/// ``TelemetryDerivation`` starts from and the state it hands back.
///
/// Every value carries the device time of the event that set it, so a late or out-of-order
/// upload never rolls it back.
public struct DerivedDeviceState: Sendable, Hashable {
    /// Device time of the newest event.
    public var lastEventTime: Int64?
    /// The newest value of each property.
    public var properties: DeviceProperties
    /// Device time of the newest properties event.
    public var propertiesTime: Int64?
    /// The newest position by device time, of any source (estimates included).
    public var location: LocationFix?
    /// Device time of ``location``.
    public var locationTime: Int64?
    /// The link to the owner's phone, when the device has reported it.
    public var connection: ConnectionState?
    /// Since when ``connection`` holds.
    public var connectionSince: Int64?
    /// Device time of the newest connection event.
    public var connectionTime: Int64?
    /// When the device last connected to the phone.
    public var lastConnectedTime: Int64?

    /// Creates a state; everything is empty by default (a device that has sent nothing).
    public init(
        lastEventTime: Int64? = nil,
        properties: DeviceProperties = DeviceProperties(),
        propertiesTime: Int64? = nil,
        location: LocationFix? = nil,
        locationTime: Int64? = nil,
        connection: ConnectionState? = nil,
        connectionSince: Int64? = nil,
        connectionTime: Int64? = nil,
        lastConnectedTime: Int64? = nil
    ) {
        self.lastEventTime = lastEventTime
        self.properties = properties
        self.propertiesTime = propertiesTime
        self.location = location
        self.locationTime = locationTime
        self.connection = connection
        self.connectionSince = connectionSince
        self.connectionTime = connectionTime
        self.lastConnectedTime = lastConnectedTime
    }
}
