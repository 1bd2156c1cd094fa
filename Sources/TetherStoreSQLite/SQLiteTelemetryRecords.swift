import Foundation
import GRDB
import TetherCore
import TetherDomain
import TetherStore

/// A `device_state` row: the compact device number and everything ingestion derived.
struct DeviceStateRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "device_state"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var number: Int64
    var deviceId: String
    var lastEventMs: Int64?
    var model: String?
    var hwVersion: String?
    var swVersion: String?
    var signalDbm: Int?
    var batteryPct: Int?
    var ip: String?
    var propertiesMs: Int64?
    var lat: Double?
    var lon: Double?
    var accuracyM: Double?
    var locationSource: String?
    var speedMps: Double?
    var headingDeg: Double?
    var locationMs: Int64?
    var connection: String?
    var connectionSinceMs: Int64?
    var connectionMs: Int64?
    var lastConnectedMs: Int64?

    init(number: Int64, deviceId: String) {
        self.number = number
        self.deviceId = deviceId
    }

    var properties: DeviceProperties {
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

    var location: LocationFix? {
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
    var derived: DerivedDeviceState {
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

    func state(versionHistory: [VersionChange]) -> DeviceTelemetryState {
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

/// A `version_change` row.
struct VersionChangeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "version_change"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var device: Int64
    var tsMs: Int64
    var hwVersion: String?
    var swVersion: String?
    var previousHwVersion: String?
    var previousSwVersion: String?

    /// The row of `change` of device number `device`.
    init(device: Int64, change: VersionChange) {
        self.device = device
        self.tsMs = change.at.milliseconds
        self.hwVersion = change.hardwareVersion
        self.swVersion = change.softwareVersion
        self.previousHwVersion = change.previousHardwareVersion
        self.previousSwVersion = change.previousSoftwareVersion
    }

    var change: VersionChange {
        VersionChange(
            at: Date(milliseconds: self.tsMs),
            hardwareVersion: self.hwVersion,
            softwareVersion: self.swVersion,
            previousHardwareVersion: self.previousHwVersion,
            previousSoftwareVersion: self.previousSwVersion
        )
    }
}

/// How events are keyed and stored: the event id as 16 bytes, the kind's fields as JSON text
/// (written by ``PayloadJSONWriter``).
enum TelemetryColumns {
    static func eventID(_ id: UUID) -> Data {
        withUnsafeBytes(of: id.uuid) { Data($0) }
    }

    static func uuid(_ data: Data) -> UUID? {
        guard data.count == 16 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { $0.copyBytes(from: data) }
        return UUID(uuid: bytes)
    }

    static func payload(kind: TelemetryKind, json: String) throws -> TelemetryPayload {
        let decoder = JSONDecoder()
        decoder.userInfo[.storedTelemetryPayload] = true
        return try decoder.decode(StoredPayload.self, from: Data(json.utf8), configuration: kind).payload
    }

    private struct StoredPayload: DecodableWithConfiguration {
        let payload: TelemetryPayload
        init(from decoder: any Decoder, configuration kind: TelemetryKind) throws {
            self.payload = try TelemetryPayload(kind: kind, from: decoder)
        }
    }
}
