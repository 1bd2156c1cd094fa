import Foundation
public import TetherCore
public import TetherDomain

/// A `device_state` row, the same on every backend: the compact device number and everything
/// ingestion derived. Its coding keys are the columns' names in camel case (a coder that
/// converts from and to snake case reads and writes the row).
public struct DeviceStateColumns: Codable, Sendable, Hashable {
    /// `device_state.number`, what the history tables name the device by.
    public var number: Int64
    /// The device's id; the other columns are what ``derived`` maps.
    public var deviceId: String
    /// Device time of the newest event.
    public var lastEventMs: Int64?
    /// The newest reported model.
    public var model: String?
    /// The newest reported hardware version.
    public var hwVersion: String?
    /// The newest reported software version.
    public var swVersion: String?
    /// The newest reported signal strength.
    public var signalDbm: Int?
    /// The newest reported battery level.
    public var batteryPct: Int?
    /// The newest reported IP address.
    public var ip: String?
    /// Device time of the newest properties event.
    public var propertiesMs: Int64?
    /// The newest position's latitude.
    public var lat: Double?
    /// The newest position's longitude.
    public var lon: Double?
    /// The newest position's accuracy radius in metres.
    public var accuracyM: Double?
    /// The newest position's source.
    public var locationSource: String?
    /// The newest position's speed.
    public var speedMps: Double?
    /// The newest position's heading.
    public var headingDeg: Double?
    /// Device time of the newest position.
    public var locationMs: Int64?
    /// The link to the owner's phone.
    public var connection: String?
    /// Since when ``connection`` holds.
    public var connectionSinceMs: Int64?
    /// Device time of the newest connection event.
    public var connectionMs: Int64?
    /// When the device last connected.
    public var lastConnectedMs: Int64?

    /// A row with nothing derived yet.
    public init(number: Int64, deviceId: String) {
        self.number = number
        self.deviceId = deviceId
    }

    /// The newest value of each property.
    public var properties: DeviceProperties {
        get {
            DeviceProperties(
                model: self.model,
                hardwareVersion: self.hwVersion,
                softwareVersion: self.swVersion,
                signalDBm: self.signalDbm,
                batteryPercent: self.batteryPct,
                ipAddress: self.ip
            )
        }
        set {
            self.model = newValue.model
            self.hwVersion = newValue.hardwareVersion
            self.swVersion = newValue.softwareVersion
            self.signalDbm = newValue.signalDBm
            self.batteryPct = newValue.batteryPercent
            self.ip = newValue.ipAddress
        }
    }

    /// The newest position.
    public var location: LocationFix? {
        get {
            guard let lat, let lon, let accuracyM, let source = self.locationSource.flatMap(LocationSource.init) else {
                return nil
            }
            return LocationFix(
                latitude: lat,
                longitude: lon,
                accuracyMeters: accuracyM,
                source: source,
                speedMetersPerSecond: self.speedMps,
                headingDegrees: self.headingDeg
            )
        }
        set {
            self.lat = newValue?.latitude
            self.lon = newValue?.longitude
            self.accuracyM = newValue?.accuracyMeters
            self.locationSource = newValue?.source.rawValue
            self.speedMps = newValue?.speedMetersPerSecond
            self.headingDeg = newValue?.headingDegrees
        }
    }

    /// The columns the ingest rules derive, as ``DerivedDeviceState`` (device times in milliseconds).
    public var derived: DerivedDeviceState {
        get {
            DerivedDeviceState(
                lastEventTime: self.lastEventMs,
                properties: self.properties,
                propertiesTime: self.propertiesMs,
                location: self.location,
                locationTime: self.locationMs,
                connection: self.connection.flatMap(ConnectionState.init(rawValue:)),
                connectionSince: self.connectionSinceMs,
                connectionTime: self.connectionMs,
                lastConnectedTime: self.lastConnectedMs
            )
        }
        set {
            self.lastEventMs = newValue.lastEventTime
            self.properties = newValue.properties
            self.propertiesMs = newValue.propertiesTime
            self.location = newValue.location
            self.locationMs = newValue.locationTime
            self.connection = newValue.connection?.rawValue
            self.connectionSinceMs = newValue.connectionSince
            self.connectionMs = newValue.connectionTime
            self.lastConnectedMs = newValue.lastConnectedTime
        }
    }

    /// What a reader of the device's state sees.
    public func state(versionHistory: [VersionChange]) -> DeviceTelemetryState {
        DeviceTelemetryState(
            lastEventAt: self.lastEventMs.map(Date.init(milliseconds:)),
            properties: self.properties,
            propertiesAt: self.propertiesMs.map(Date.init(milliseconds:)),
            location: self.location,
            locationAt: self.locationMs.map(Date.init(milliseconds:)),
            connection: self.connection.flatMap(ConnectionState.init(rawValue:)),
            connectionSince: self.connectionSinceMs.map(Date.init(milliseconds:)),
            lastConnectedAt: self.lastConnectedMs.map(Date.init(milliseconds:)),
            versionHistory: versionHistory
        )
    }
}

/// A `version_change` row without its id, the same on every backend; coding keys as in
/// ``DeviceStateColumns``.
public struct VersionChangeColumns: Codable, Sendable, Hashable {
    /// The device's `device_state.number`; the other columns are what ``change`` maps.
    public var device: Int64
    /// Device time of the change.
    public var tsMs: Int64
    /// The hardware version after it.
    public var hwVersion: String?
    /// The software version after it.
    public var swVersion: String?
    /// The hardware version before it.
    public var previousHwVersion: String?
    /// The software version before it.
    public var previousSwVersion: String?

    /// The row of `change` of device number `device`.
    public init(device: Int64, change: VersionChange) {
        self.device = device
        self.tsMs = change.at.milliseconds
        self.hwVersion = change.hardwareVersion
        self.swVersion = change.softwareVersion
        self.previousHwVersion = change.previousHardwareVersion
        self.previousSwVersion = change.previousSoftwareVersion
    }

    /// The change the row records.
    public var change: VersionChange {
        VersionChange(
            at: Date(milliseconds: self.tsMs),
            hardwareVersion: self.hwVersion,
            softwareVersion: self.swVersion,
            previousHardwareVersion: self.previousHwVersion,
            previousSoftwareVersion: self.previousSwVersion
        )
    }
}
