public import Foundation

/// One event a device (or the owner's phone) reports: an id the device chose, the device's
/// time, and what happened. `protocols/telemetry.md` is the wire contract.
public struct TelemetryEvent: Sendable, Hashable {
    /// The client-generated id; `(device, id)` makes ingestion idempotent.
    public var id: UUID
    /// Device time in milliseconds since the Unix epoch (UTC).
    public var timestamp: Int64
    /// What the event reports.
    public var payload: TelemetryPayload

    /// Creates an event.
    public init(id: UUID, timestamp: Int64, payload: TelemetryPayload) {
        self.id = id
        self.timestamp = timestamp
        self.payload = payload
    }

    /// The event's kind.
    public var kind: TelemetryKind { self.payload.kind }
}

/// The kinds of telemetry event, by their wire name.
public enum TelemetryKind: String, Sendable, Hashable, CaseIterable, Codable {
    case properties
    case location
    case wifiScan = "wifi_scan"
    case beacons
    case cellTowers = "cell_towers"
    case usage
    case connection
    case sos
}

/// What a ``TelemetryEvent`` reports, one case per ``TelemetryKind``.
public enum TelemetryPayload: Sendable, Hashable {
    case properties(DeviceProperties)
    case location(LocationFix)
    case wifiScan([WiFiAccessPointReading])
    case beacons([BeaconReading])
    case cellTowers([CellTowerReading])
    case usage(UsageRecord)
    case connection(ConnectionState)
    case sos

    /// The kind this payload belongs to.
    public var kind: TelemetryKind {
        switch self {
        case .properties: .properties
        case .location: .location
        case .wifiScan: .wifiScan
        case .beacons: .beacons
        case .cellTowers: .cellTowers
        case .usage: .usage
        case .connection: .connection
        case .sos: .sos
        }
    }
}

/// What a device says about itself. Every field is optional; a report updates the ones it carries.
public struct DeviceProperties: Sendable, Hashable, Codable {
    public var model: String?
    public var hardwareVersion: String?
    public var softwareVersion: String?
    /// Signal strength of the device's uplink in dBm (−150…0).
    public var signalDBm: Int?
    /// Battery charge in percent (0…100).
    public var batteryPercent: Int?
    /// The device's IP address; the server records the request's address when absent.
    public var ipAddress: String?

    /// Creates a properties report.
    public init(
        model: String? = nil,
        hardwareVersion: String? = nil,
        softwareVersion: String? = nil,
        signalDBm: Int? = nil,
        batteryPercent: Int? = nil,
        ipAddress: String? = nil
    ) {
        self.model = model
        self.hardwareVersion = hardwareVersion
        self.softwareVersion = softwareVersion
        self.signalDBm = signalDBm
        self.batteryPercent = batteryPercent
        self.ipAddress = ipAddress
    }

    enum CodingKeys: String, CodingKey {
        case model
        case hardwareVersion = "hw_version"
        case softwareVersion = "sw_version"
        case signalDBm = "signal_dbm"
        case batteryPercent = "battery_pct"
        case ipAddress = "ip"
    }
}

/// Where a position came from.
public enum LocationSource: String, Sendable, Hashable, CaseIterable, Codable {
    case gnss
    case wifi
    case cell
    case ble
    /// Computed by the server from Wi-Fi and cell scans.
    case estimated
}

/// A position fix with its accuracy radius.
public struct LocationFix: Sendable, Hashable, Codable {
    /// WGS84 latitude in degrees (−90…90).
    public var latitude: Double
    /// WGS84 longitude in degrees (−180…180).
    public var longitude: Double
    /// Radius of the accuracy circle in metres.
    public var accuracyMeters: Double
    public var source: LocationSource
    /// Ground speed in metres per second.
    public var speedMetersPerSecond: Double?
    /// Course over ground in degrees clockwise from true north (0…<360).
    public var headingDegrees: Double?

    /// Creates a fix.
    public init(
        latitude: Double,
        longitude: Double,
        accuracyMeters: Double,
        source: LocationSource,
        speedMetersPerSecond: Double? = nil,
        headingDegrees: Double? = nil
    ) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyMeters = accuracyMeters
        self.source = source
        self.speedMetersPerSecond = speedMetersPerSecond
        self.headingDegrees = headingDegrees
    }

    enum CodingKeys: String, CodingKey {
        case latitude = "lat"
        case longitude = "lon"
        case accuracyMeters = "accuracy_m"
        case source
        case speedMetersPerSecond = "speed_mps"
        case headingDegrees = "heading_deg"
    }
}

/// One Wi-Fi access point heard in a scan.
public struct WiFiAccessPointReading: Sendable, Hashable, Codable {
    /// The MAC address, lower-case `aa:bb:cc:dd:ee:ff`.
    public var bssid: String
    /// Received signal strength in dBm.
    public var rssi: Int
    public var frequencyMHz: Int?

    /// Creates a reading.
    public init(bssid: String, rssi: Int, frequencyMHz: Int? = nil) {
        self.bssid = bssid
        self.rssi = rssi
        self.frequencyMHz = frequencyMHz
    }

    enum CodingKeys: String, CodingKey {
        case bssid
        case rssi
        case frequencyMHz = "freq_mhz"
    }
}

/// One Bluetooth beacon heard: iBeacon-style `uuid`/`major`/`minor`, or a bare `address`.
public struct BeaconReading: Sendable, Hashable, Codable {
    public var uuid: String?
    public var major: Int?
    public var minor: Int?
    public var address: String?
    public var rssi: Int

    /// Creates a reading.
    public init(uuid: String? = nil, major: Int? = nil, minor: Int? = nil, address: String? = nil, rssi: Int) {
        self.uuid = uuid
        self.major = major
        self.minor = minor
        self.address = address
        self.rssi = rssi
    }
}

/// One cell tower heard.
public struct CellTowerReading: Sendable, Hashable, Codable {
    /// Mobile country code.
    public var mcc: Int
    /// Mobile network code.
    public var mnc: Int
    /// Location area code (2G/3G).
    public var lac: Int?
    /// Tracking area code (4G/5G).
    public var tac: Int?
    public var cellID: Int64
    public var rssi: Int?

    /// Creates a reading.
    public init(mcc: Int, mnc: Int, lac: Int? = nil, tac: Int? = nil, cellID: Int64, rssi: Int? = nil) {
        self.mcc = mcc
        self.mnc = mnc
        self.lac = lac
        self.tac = tac
        self.cellID = cellID
        self.rssi = rssi
    }

    /// A key naming the tower uniquely: `mcc-mnc-area-cell`.
    public var towerKey: String { "\(self.mcc)-\(self.mnc)-\(self.tac ?? self.lac ?? 0)-\(self.cellID)" }

    enum CodingKeys: String, CodingKey {
        case mcc
        case mnc
        case lac
        case tac
        case cellID = "cell_id"
        case rssi
    }
}

/// A function the owner used on the device.
public struct UsageRecord: Sendable, Hashable, Codable {
    /// The function (`find`, `battery`, …).
    public var function: String
    /// The operation performed (`ring`, `check`, …).
    public var operation: String
    /// When it started, in milliseconds since the Unix epoch.
    public var startMilliseconds: Int64
    /// How long it lasted in milliseconds.
    public var durationMilliseconds: Int64

    /// Creates a usage record.
    public init(function: String, operation: String, startMilliseconds: Int64, durationMilliseconds: Int64) {
        self.function = function
        self.operation = operation
        self.startMilliseconds = startMilliseconds
        self.durationMilliseconds = durationMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case function
        case operation
        case startMilliseconds = "start_ms"
        case durationMilliseconds = "duration_ms"
    }
}

/// The state of the link between a device and its owner's phone.
public enum ConnectionState: String, Sendable, Hashable, CaseIterable, Codable {
    case connected
    case disconnected
}
