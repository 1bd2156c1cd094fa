import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore

// From TetherCore values to the generated API types.

extension Components.Schemas.Account {
    init(_ account: Account) {
        self.init(
            accountId: account.id.rawValue,
            email: account.email.value,
            region: account.homeRegion.rawValue,
            createdAt: account.createdAt
        )
    }
}

extension Components.Schemas.Device {
    init(_ device: Device) {
        self.init(
            id: device.id.rawValue,
            serial: device.serial,
            model: device.model,
            kind: Components.Schemas.DeviceKind(rawValue: device.kind.rawValue) ?? .other,
            name: device.name,
            hwVersion: device.hardwareVersion,
            swVersion: device.softwareVersion,
            pairedAt: device.pairedAt,
            lastSeen: device.lastSeen
        )
    }
}

extension Components.Schemas.SessionGrant {
    init(account: Account, session: Session, access: SecretToken, refresh: SecretToken) {
        self.init(
            account: .init(account),
            accessToken: access.text,
            accessExpiresAt: session.accessExpiresAt,
            refreshToken: refresh.text,
            refreshExpiresAt: session.refreshExpiresAt
        )
    }
}

extension Components.Schemas.AccountExport {
    init(_ data: AccountExportData, exportedAt: Date, telemetry: [Components.Schemas.DeviceTelemetryExport]) {
        self.init(
            format: "tether.export.v1",
            exportedAt: exportedAt,
            account: .init(data.account),
            signup: .init(
                latitude: data.signup.location?.latitude,
                longitude: data.signup.location?.longitude,
                requestedRegion: data.signup.requestedRegion?.rawValue
            ),
            devices: data.devices.map(Components.Schemas.Device.init),
            sessions: data.sessions.map {
                .init(
                    id: $0.id.rawValue,
                    createdAt: $0.createdAt,
                    accessExpiresAt: $0.accessExpiresAt,
                    refreshExpiresAt: $0.refreshExpiresAt
                )
            },
            pairingCodes: data.pairingRequests.map {
                .init(
                    id: $0.id.rawValue,
                    createdAt: $0.createdAt,
                    expiresAt: $0.expiresAt,
                    claimedAt: $0.claimedAt,
                    deviceId: $0.claimedBy?.rawValue
                )
            },
            failedSignIns: data.failedSignIns,
            telemetry: telemetry
        )
    }
}
