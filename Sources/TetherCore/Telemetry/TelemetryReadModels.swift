public import Foundation

/// A stored event with the time the server received it.
public struct StoredTelemetryEvent: Sendable, Hashable {
    public var event: TelemetryEvent
    public var receivedAt: Date

    /// Creates a stored event.
    public init(event: TelemetryEvent, receivedAt: Date) {
        self.event = event
        self.receivedAt = receivedAt
    }
}

/// Which events a history read returns: device time from `since` up to `until`, newest first.
public struct TelemetryQuery: Sendable, Hashable {
    public var since: Date
    public var until: Date?
    public var kind: TelemetryKind?
    public var limit: Int

    /// Creates a query.
    public init(since: Date, until: Date? = nil, kind: TelemetryKind? = nil, limit: Int = 1_000) {
        self.since = since
        self.until = until
        self.kind = kind
        self.limit = limit
    }
}

/// What ingestion derived about one device: its newest properties, position and link state.
public struct DeviceTelemetryState: Sendable, Hashable {
    /// Device time of the newest event.
    public var lastEventAt: Date?
    /// The newest value of each property.
    public var properties: DeviceProperties
    /// Device time of the newest properties event.
    public var propertiesAt: Date?
    /// The newest position (by device time), of any source.
    public var location: LocationFix?
    /// Device time of ``location``.
    public var locationAt: Date?
    /// The link to the owner's phone, when the device has reported it.
    public var connection: ConnectionState?
    /// Since when ``connection`` holds.
    public var connectionSince: Date?
    /// When the device last connected to the phone.
    public var lastConnectedAt: Date?
    /// Hardware and software version changes, oldest first.
    public var versionHistory: [VersionChange]

    /// Creates a state value; everything is empty by default.
    public init(
        lastEventAt: Date? = nil,
        properties: DeviceProperties = DeviceProperties(),
        propertiesAt: Date? = nil,
        location: LocationFix? = nil,
        locationAt: Date? = nil,
        connection: ConnectionState? = nil,
        connectionSince: Date? = nil,
        lastConnectedAt: Date? = nil,
        versionHistory: [VersionChange] = []
    ) {
        self.lastEventAt = lastEventAt
        self.properties = properties
        self.propertiesAt = propertiesAt
        self.location = location
        self.locationAt = locationAt
        self.connection = connection
        self.connectionSince = connectionSince
        self.lastConnectedAt = lastConnectedAt
        self.versionHistory = versionHistory
    }
}

/// A change of a device's hardware or software version, as a properties event reported it.
public struct VersionChange: Sendable, Hashable {
    /// Device time of the report.
    public var at: Date
    public var hardwareVersion: String?
    public var softwareVersion: String?
    public var previousHardwareVersion: String?
    public var previousSoftwareVersion: String?

    /// Creates a change record.
    public init(
        at: Date,
        hardwareVersion: String?,
        softwareVersion: String?,
        previousHardwareVersion: String?,
        previousSoftwareVersion: String?
    ) {
        self.at = at
        self.hardwareVersion = hardwareVersion
        self.softwareVersion = softwareVersion
        self.previousHardwareVersion = previousHardwareVersion
        self.previousSoftwareVersion = previousSoftwareVersion
    }
}

/// A period the device was connected to the owner's phone; open while `disconnectedAt` is `nil`.
public struct ConnectionPeriod: Sendable, Hashable {
    public var connectedAt: Date
    public var disconnectedAt: Date?

    /// Creates a period.
    public init(connectedAt: Date, disconnectedAt: Date?) {
        self.connectedAt = connectedAt
        self.disconnectedAt = disconnectedAt
    }
}

/// How often and how long one function and operation was used on one UTC day.
public struct DailyUsage: Sendable, Hashable {
    public var day: UTCDay
    public var function: String
    public var operation: String
    public var count: Int
    public var totalDurationMilliseconds: Int64

    /// Creates an aggregate.
    public init(day: UTCDay, function: String, operation: String, count: Int, totalDurationMilliseconds: Int64) {
        self.day = day
        self.function = function
        self.operation = operation
        self.count = count
        self.totalDurationMilliseconds = totalDurationMilliseconds
    }
}

/// An operator statistic: events of one kind from one model and software version on one UTC
/// day. It names no account or device.
public struct DailyStatistic: Sendable, Hashable {
    public var day: UTCDay
    public var kind: TelemetryKind
    public var model: String
    /// The software version, or the empty string when the device never reported one.
    public var softwareVersion: String
    public var count: Int

    /// Creates a statistic.
    public init(day: UTCDay, kind: TelemetryKind, model: String, softwareVersion: String, count: Int) {
        self.day = day
        self.kind = kind
        self.model = model
        self.softwareVersion = softwareVersion
        self.count = count
    }
}
