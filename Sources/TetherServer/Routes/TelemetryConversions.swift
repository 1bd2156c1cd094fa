import Foundation
import TetherAPI
import TetherCore

// From telemetry values to the generated API types.

extension Components.Schemas.TelemetryFields {
    init(_ payload: TelemetryPayload) {
        self.init()
        switch payload {
        case .properties(let properties):
            self.model = properties.model
            self.hwVersion = properties.hardwareVersion
            self.swVersion = properties.softwareVersion
            self.signalDbm = properties.signalDBm
            self.batteryPct = properties.batteryPercent
            self.ip = properties.ipAddress
        case .location(let fix):
            self.lat = fix.latitude
            self.lon = fix.longitude
            self.accuracyM = fix.accuracyMeters
            self.source = Components.Schemas.LocationSource(rawValue: fix.source.rawValue)
            self.speedMps = fix.speedMetersPerSecond
            self.headingDeg = fix.headingDegrees
        case .wifiScan(let readings):
            self.aps = readings.map { .init(bssid: $0.bssid, rssi: $0.rssi, freqMhz: $0.frequencyMHz) }
        case .beacons(let readings):
            self.beacons = readings.map {
                .init(uuid: $0.uuid, major: $0.major, minor: $0.minor, address: $0.address, rssi: $0.rssi)
            }
        case .cellTowers(let readings):
            self.cells = readings.map {
                .init(mcc: $0.mcc, mnc: $0.mnc, lac: $0.lac, tac: $0.tac, cellId: $0.cellID, rssi: $0.rssi)
            }
        case .usage(let usage):
            self.function = usage.function
            self.operation = usage.operation
            self.startMs = usage.startMilliseconds
            self.durationMs = usage.durationMilliseconds
        case .connection(let state):
            self.state = Components.Schemas.ConnectionState(rawValue: state.rawValue)
        case .sos:
            break
        }
    }
}

extension Components.Schemas.TelemetryRecord {
    init(_ stored: StoredTelemetryEvent) {
        self.init(
            eventId: stored.event.id.uuidString.lowercased(),
            ts: Date(milliseconds: stored.event.timestamp),
            kind: Components.Schemas.TelemetryKind(rawValue: stored.event.kind.rawValue) ?? .sos,
            receivedAt: stored.receivedAt,
            data: .init(stored.event.payload)
        )
    }
}

extension Components.Schemas.DeviceTelemetry {
    init(_ state: DeviceTelemetryState, connectionPeriods: [ConnectionPeriod]) {
        self.init(
            lastEventAt: state.lastEventAt,
            properties: state.propertiesAt.map { updatedAt in
                Components.Schemas.ReportedProperties(
                    model: state.properties.model,
                    hwVersion: state.properties.hardwareVersion,
                    swVersion: state.properties.softwareVersion,
                    signalDbm: state.properties.signalDBm,
                    batteryPct: state.properties.batteryPercent,
                    ip: state.properties.ipAddress,
                    updatedAt: updatedAt
                )
            },
            location: state.location.flatMap { fix in state.locationAt.map { (fix, $0) } }.map { fix, time in
                Components.Schemas.LastLocation(
                    lat: fix.latitude,
                    lon: fix.longitude,
                    accuracyM: fix.accuracyMeters,
                    source: Components.Schemas.LocationSource(rawValue: fix.source.rawValue) ?? .estimated,
                    speedMps: fix.speedMetersPerSecond,
                    headingDeg: fix.headingDegrees,
                    ts: time
                )
            },
            connection: state.connection.flatMap { link in state.connectionSince.map { (link, $0) } }.map {
                link,
                since in
                Components.Schemas.ConnectionStatus(
                    state: Components.Schemas.ConnectionState(rawValue: link.rawValue) ?? .disconnected,
                    since: since,
                    lastConnectedAt: state.lastConnectedAt,
                    periods: connectionPeriods.map {
                        .init(connectedAt: $0.connectedAt, disconnectedAt: $0.disconnectedAt)
                    }
                )
            },
            versionHistory: state.versionHistory.map {
                .init(
                    at: $0.at,
                    hwVersion: $0.hardwareVersion,
                    swVersion: $0.softwareVersion,
                    previousHwVersion: $0.previousHardwareVersion,
                    previousSwVersion: $0.previousSoftwareVersion
                )
            }
        )
    }
}

extension Components.Schemas.DailyUsage {
    init(_ usage: TetherCore.DailyUsage) {
        self.init(
            day: usage.day.description,
            function: usage.function,
            operation: usage.operation,
            count: usage.count,
            durationMs: usage.totalDurationMilliseconds
        )
    }
}

extension Components.Schemas.DailyStatistic {
    init(_ statistic: TetherCore.DailyStatistic) {
        self.init(
            day: statistic.day.description,
            kind: Components.Schemas.TelemetryKind(rawValue: statistic.kind.rawValue) ?? .sos,
            model: statistic.model,
            swVersion: statistic.softwareVersion,
            count: statistic.count
        )
    }
}
