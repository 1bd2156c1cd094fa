import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore

// Alerts and alert settings, between TetherCore values and the generated API types.

extension Components.Schemas.Alert {
    init(_ alert: Alert, explanation: String? = nil, emergencyContact: EmergencyContact? = nil) {
        self.init(
            id: alert.id.rawValue,
            kind: Components.Schemas.AlertKind(rawValue: alert.kind.rawValue)!,
            deviceId: alert.device.rawValue,
            ts: Date(milliseconds: alert.decidedAt),
            reason: alert.reason,
            suppressed: alert.isSuppressed,
            suppressedBy: alert.suppressedBy,
            rule: alert.rule,
            episodeStart: Date(milliseconds: alert.episodeStart),
            endedAt: alert.endedAt.map(Date.init(milliseconds:)),
            acknowledgedAt: alert.acknowledgedAt,
            repeatCount: alert.repeatCount,
            fixes: alert.fixes.map {
                .init(
                    source: $0.source,
                    ts: Date(milliseconds: $0.time),
                    lat: $0.latitude,
                    lon: $0.longitude,
                    accuracyM: $0.accuracyMeters
                )
            },
            explanation: explanation,
            emergencyContact: emergencyContact.map { .init(name: $0.name, phone: $0.phone) },
            createdAt: alert.createdAt
        )
    }
}

extension Components.Schemas.RuleSettings {
    init(_ rules: RuleSettings) {
        self.init(
            deviceId: rules.device?.rawValue,
            allowedDistanceM: rules.allowedDistanceMeters,
            dwellS: rules.dwellSeconds,
            lowBatteryPct: rules.lowBatteryPercent,
            silentAfterS: rules.silentAfterSeconds,
            repeatIntervalS: rules.repeatIntervalSeconds,
            phoneId: rules.phone?.rawValue
        )
    }
}

extension Components.Schemas.AlertRulesOverview {
    init(_ settings: AccountAlertSettings, devices: [DeviceID]) {
        self.init(
            account: .init(settings.accountRules),
            devices: settings.rules.filter { $0.device != nil }.map(Components.Schemas.RuleSettings.init),
            effective: devices.map { .init(settings.effectiveRules(for: $0)) }
        )
    }
}

extension Components.Schemas.Fence {
    init(_ fence: FenceRecord) throws {
        self.init(
            id: fence.id,
            name: fence.name,
            role: Components.Schemas.FenceRole(rawValue: fence.role.rawValue)!,
            deviceId: fence.device?.rawValue,
            geojson: .init(
                additionalProperties: try JSONDecoder().decode(
                    OpenAPIObjectContainer.self,
                    from: Data(fence.geoJSON.utf8)
                )
            ),
            createdAt: fence.createdAt
        )
    }
}

extension Components.Schemas.QuietWindow {
    init(_ record: QuietWindowRecord) {
        self.init(
            id: record.id,
            days: record.window.days.sorted().map(\.shortName),
            from: record.window.start.description,
            to: record.window.end.description,
            tz: record.window.timeZoneIdentifier,
            deviceId: record.device?.rawValue
        )
    }
}

extension Components.Schemas.DoNotDisturb {
    /// The settings of one scope: its own switch and snooze, and its own windows.
    init(_ settings: AccountAlertSettings, device: DeviceID?) {
        let own = settings.switches.first { $0.device == device }
        self.init(
            deviceId: device?.rawValue,
            enabled: own?.isEnabled ?? (device == nil ? true : settings.doNotDisturb(for: device!).isEnabled),
            snoozedUntil: own?.snoozedUntil,
            windows: settings.quietWindows.filter { $0.device == device }.map(Components.Schemas.QuietWindow.init)
        )
    }
}

extension Components.Schemas.Webhook {
    init(_ webhook: WebhookEndpoint, showingSecret: Bool) {
        self.init(
            url: webhook.url.absoluteString,
            secret: showingSecret ? webhook.secret : nil,
            createdAt: webhook.createdAt
        )
    }
}

/// Alert bodies outside the generated routes: the stream's events and the webhook's posts.
enum AlertPayload {
    /// The JSON of an alert as the API shows it.
    static func json(_ alert: Alert) throws -> Data {
        try self.encoder.encode(Components.Schemas.Alert(alert))
    }

    /// A webhook post: `{"event": "alert", "alert": {…}}`.
    static func webhookBody(_ alert: Alert) throws -> Data {
        try self.encoder.encode(WebhookBody(event: "alert", alert: Components.Schemas.Alert(alert)))
    }

    private struct WebhookBody: Encodable {
        var event: String
        var alert: Components.Schemas.Alert
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let transcoder = MillisecondDateTranscoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try transcoder.encode(date))
        }
        return encoder
    }
}
