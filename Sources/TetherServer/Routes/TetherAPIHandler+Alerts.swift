import Foundation
import OpenAPIRuntime
import ServiceLifecycle
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        let session = try await self.authenticator.session()
        let device = try await self.ownedDevice(input.query.deviceId, account: session.account, field: "device_id")
        let limit = input.query.limit ?? 100
        guard (1...1_000).contains(limit) else { throw TetherError.invalidField("limit", "must be 1-1000") }
        let alerts = try await self.store.alerts(account: session.account, device: device, limit: limit)
        return .ok(.init(body: .json(alerts.map { Components.Schemas.Alert($0) })))
    }

    func getAlert(_ input: Operations.GetAlert.Input) async throws -> Operations.GetAlert.Output {
        let session = try await self.authenticator.session()
        guard
            let alert = try await self.store.alert(id: AlertID(rawValue: input.path.alertId), account: session.account)
        else { throw TetherError.notFound("alert", field: "alertId") }
        let settings = try await self.store.alertSettings(account: session.account)
        return .ok(
            .init(
                body: .json(
                    .init(
                        alert,
                        explanation: AlertExplanation.text(for: alert, settings: settings),
                        emergencyContact: alert.kind == .sos ? settings.emergencyContact : nil
                    )
                )
            )
        )
    }

    func acknowledgeAlert(_ input: Operations.AcknowledgeAlert.Input) async throws -> Operations.AcknowledgeAlert.Output
    {
        let session = try await self.authenticator.session()
        guard
            let alert = try await self.store.acknowledgeAlert(
                id: AlertID(rawValue: input.path.alertId),
                account: session.account,
                at: self.now
            )
        else { throw TetherError.notFound("alert", field: "alertId") }
        return .ok(.init(body: .json(.init(alert))))
    }

    func streamAlerts(_ input: Operations.StreamAlerts.Input) async throws -> Operations.StreamAlerts.Output {
        let session = try await self.authenticator.session()
        let messages = try await self.hub.subscribe(
            account: session.account,
            session: session.id,
            limit: self.config.maxStreamsPerAccount
        )
        let events =
            messages
            .cancelOnGracefulShutdown()
            .map { message -> ArraySlice<UInt8> in
                switch message {
                case .keepAlive:
                    return ArraySlice(": keep-alive\n\n".utf8)
                case .notification(let notification):
                    let json = (try? AlertPayload.json(notification.alert)) ?? Data("{}".utf8)
                    let text =
                        "event: \(notification.event.rawValue)\nid: \(notification.alert.id.rawValue)\n"
                        + "data: \(String(decoding: json, as: UTF8.self))\n\n"
                    return ArraySlice(text.utf8)
                }
            }
        return .ok(.init(body: .textEventStream(HTTPBody(events, length: .unknown, iterationBehavior: .single))))
    }
}

/// Says, for a person, why an alert was raised and what silenced it.
enum AlertExplanation {
    static func text(for alert: Alert, settings: AccountAlertSettings) -> String {
        var text = "\(alert.kind.rawValue): \(alert.reason)"
        if !alert.fixes.isEmpty {
            let fixes = alert.fixes.map {
                "\($0.source) fix at \($0.latitude), \($0.longitude) ±\(Int($0.accuracyMeters)) m"
            }
            text += " (from \(fixes.joined(separator: "; ")))"
        }
        guard let silencer = alert.suppressedBy else {
            return text + ". You were told."
        }
        let parts = silencer.split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "dnd":
            let id = parts.count > 1 ? parts[1] : ""
            if let record = settings.quietWindows.first(where: { $0.id == id }) {
                let window = record.window
                let days =
                    window.days.count == 7 ? "daily" : window.days.sorted().map(\.shortName).joined(separator: ",")
                text += ". Not told: do-not-disturb window \(id) (\(days) \(window.start)–\(window.end) "
                text += "\(window.timeZoneIdentifier)) was on."
            } else {
                text += ". Not told: do-not-disturb window \(id) (since removed) was on."
            }
        case "snooze":
            text += ". Not told: do-not-disturb was snoozed."
        case "safe":
            let id = parts.count > 1 ? parts[1] : ""
            let name = settings.fences.first { $0.id == id }.map { "'\($0.name)'" } ?? "(since removed)"
            text += ". Not told: the device was inside the safe place \(name) (\(id))."
        default:
            text += ". Not told: \(silencer)."
        }
        return text
    }
}
