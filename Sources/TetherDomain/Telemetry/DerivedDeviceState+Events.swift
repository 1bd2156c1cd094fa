import Foundation
import TetherCore

/// The rules by which one device event moves a device's derived state. Each value follows
/// device time: an event changes it only when it is at least as new as the one that set it.
extension DerivedDeviceState {
    /// Merges a properties report made at `time`; returns the version change it records, if any.
    ///
    /// A report at least as new as the newest one overwrites the properties it carries; an
    /// older one only fills what nothing newer reported (and records no version change).
    mutating func merge(_ reported: DeviceProperties, at time: Int64) -> VersionChange? {
        var properties = self.properties
        var change: VersionChange?
        if time >= self.propertiesTime ?? time {
            change = Self.versionChange(from: properties, to: reported, at: time)
            properties.model = reported.model ?? properties.model
            properties.hardwareVersion = reported.hardwareVersion ?? properties.hardwareVersion
            properties.softwareVersion = reported.softwareVersion ?? properties.softwareVersion
            properties.signalDBm = reported.signalDBm ?? properties.signalDBm
            properties.batteryPercent = reported.batteryPercent ?? properties.batteryPercent
            properties.ipAddress = reported.ipAddress ?? properties.ipAddress
            self.propertiesTime = time
        } else {
            properties.model = properties.model ?? reported.model
            properties.hardwareVersion = properties.hardwareVersion ?? reported.hardwareVersion
            properties.softwareVersion = properties.softwareVersion ?? reported.softwareVersion
            properties.signalDBm = properties.signalDBm ?? reported.signalDBm
            properties.batteryPercent = properties.batteryPercent ?? reported.batteryPercent
            properties.ipAddress = properties.ipAddress ?? reported.ipAddress
        }
        self.properties = properties
        return change
    }

    /// The change from `current` to what `reported` carries: `nil` unless it names a hardware or
    /// software version other than the current one.
    private static func versionChange(
        from current: DeviceProperties,
        to reported: DeviceProperties,
        at time: Int64
    ) -> VersionChange? {
        let hardwareChanged = reported.hardwareVersion.map { $0 != current.hardwareVersion } ?? false
        let softwareChanged = reported.softwareVersion.map { $0 != current.softwareVersion } ?? false
        guard hardwareChanged || softwareChanged else { return nil }
        return VersionChange(
            at: Date(milliseconds: time),
            hardwareVersion: reported.hardwareVersion ?? current.hardwareVersion,
            softwareVersion: reported.softwareVersion ?? current.softwareVersion,
            previousHardwareVersion: current.hardwareVersion,
            previousSoftwareVersion: current.softwareVersion
        )
    }

    /// Takes `fix` as the device's position when it is at least as new as the current one.
    mutating func locate(_ fix: LocationFix, at time: Int64) {
        guard time >= self.locationTime ?? time else { return }
        self.location = fix
        self.locationTime = time
    }

    /// Follows a connection report at `time`; returns the period change it makes, if any.
    ///
    /// A report older than the newest one is ignored. `connected` opens a period and
    /// `disconnected` closes the open one, unless the link already was in that state.
    mutating func link(_ link: ConnectionState, at time: Int64) -> ConnectionPeriodChange? {
        guard time >= self.connectionTime ?? time else { return nil }
        var change: ConnectionPeriodChange?
        switch (self.connection, link) {
        case (.connected, .connected), (.disconnected, .disconnected):
            break
        case (_, .connected):
            change = .open(at: time)
            self.connectionSince = time
            self.lastConnectedTime = time
        case (_, .disconnected):
            change = .close(at: time)
            self.connectionSince = time
        }
        self.connection = link
        self.connectionTime = time
        return change
    }
}
