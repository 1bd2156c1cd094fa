import Foundation
import Logging
import OpenAPIRuntime
import TetherAPI
import TetherAlerts
import TetherCore
import TetherDomain
import TetherStore

// Rules, fences, do-not-disturb, emergency contact and webhook. Every change is handed to the
// alert service, so the engines use it from the next event on (a new fence at once).

extension TetherAPIHandler {
    func listAlertRules(_ input: Operations.ListAlertRules.Input) async throws -> Operations.ListAlertRules.Output {
        let session = try await self.authenticator.session()
        let settings = try await self.store.alertSettings(account: session.account)
        let devices = try await self.store.devices(account: session.account).map(\.id)
        return .ok(.init(body: .json(.init(settings, devices: devices))))
    }

    func setAlertRules(_ input: Operations.SetAlertRules.Input) async throws -> Operations.SetAlertRules.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let update = RuleSettings(
            device: try await self.ownedDevice(body.deviceId, account: session.account, field: "device_id"),
            allowedDistanceMeters: body.allowedDistanceM,
            dwellSeconds: body.dwellS,
            lowBatteryPercent: body.lowBatteryPct,
            silentAfterSeconds: body.silentAfterS,
            repeatIntervalSeconds: body.repeatIntervalS,
            // An empty phone id clears the choice.
            phone: body.phoneId == ""
                ? DeviceID(rawValue: "")
                : try await self.ownedDevice(body.phoneId, account: session.account, field: "phone_id", kind: .phone)
        )
        try update.validate()
        let rules = try await self.store.updateRuleSettings(account: session.account, update)
        await self.applySettings(account: session.account)
        return .ok(.init(body: .json(.init(rules))))
    }

    func clearDeviceAlertRules(
        _ input: Operations.ClearDeviceAlertRules.Input
    ) async throws -> Operations.ClearDeviceAlertRules.Output {
        let session = try await self.authenticator.session()
        guard
            let device = try await self.ownedDevice(input.query.deviceId, account: session.account, field: "device_id")
        else { throw TetherError.invalidField("device_id", "is required") }
        try await self.store.clearRuleSettings(account: session.account, device: device)
        await self.applySettings(account: session.account)
        let settings = try await self.store.alertSettings(account: session.account)
        return .ok(.init(body: .json(.init(settings.accountRules))))
    }

    // MARK: Fences

    func listFences(_ input: Operations.ListFences.Input) async throws -> Operations.ListFences.Output {
        let session = try await self.authenticator.session()
        let device = try await self.ownedDevice(input.query.deviceId, account: session.account, field: "device_id")
        let settings = try await self.store.alertSettings(account: session.account)
        let fences = device.map { settings.fences(for: $0) } ?? settings.fences
        return .ok(.init(body: .json(try fences.map(Components.Schemas.Fence.init))))
    }

    func createFence(_ input: Operations.CreateFence.Input) async throws -> Operations.CreateFence.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let name = try AlertSettingsRules.name(body.name, field: "name")
        let geoJSON = try Self.fenceShape(circle: body.circle, geojson: body.geojson)
        let fence = FenceRecord(
            id: "fen_" + UUID().uuidString.lowercased().prefix(12),
            account: session.account,
            device: try await self.ownedDevice(body.deviceId, account: session.account, field: "device_id"),
            name: name,
            role: FenceRole(rawValue: body.role.rawValue)!,
            geoJSON: geoJSON,
            createdAt: self.now
        )
        try await self.store.addFence(fence, limit: AlertSettingsRules.caps.fences)
        await self.applySettings(account: session.account)
        return .created(.init(body: .json(try .init(fence))))
    }

    func removeFence(_ input: Operations.RemoveFence.Input) async throws -> Operations.RemoveFence.Output {
        let session = try await self.authenticator.session()
        guard let fence = try await self.store.removeFence(id: input.path.fenceId, account: session.account) else {
            throw TetherError.notFound("fence", field: "fenceId")
        }
        await self.applySettings(account: session.account)
        return .ok(.init(body: .json(try .init(fence))))
    }

    /// The fence's shape as one GeoJSON feature, from exactly one of `circle` and `geojson`.
    private static func fenceShape(
        circle: Components.Schemas.CircleFence?,
        geojson: Components.Schemas.FenceRequest.GeojsonPayload?
    ) throws -> String {
        switch (circle, geojson) {
        case (let circle?, nil):
            return try AlertSettingsRules.circle(
                latitude: circle.lat,
                longitude: circle.lon,
                radius: circle.radiusM,
                field: "circle"
            )
        case (nil, let geojson?):
            let data: Data
            do {
                data = try JSONEncoder().encode(geojson.additionalProperties)
            } catch {
                throw TetherError.invalidField("geojson", "must be a GeoJSON Feature, Polygon or MultiPolygon")
            }
            return try AlertSettingsRules.fenceShape(data, field: "geojson")
        case (nil, nil):
            throw TetherError.invalidField("circle", "or geojson is required")
        case (_?, _?):
            throw TetherError.invalidField("geojson", "cannot be given with circle")
        }
    }

    // MARK: Do-not-disturb

    func getDoNotDisturb(_ input: Operations.GetDoNotDisturb.Input) async throws -> Operations.GetDoNotDisturb.Output {
        let session = try await self.authenticator.session()
        let device = try await self.ownedDevice(input.query.deviceId, account: session.account, field: "device_id")
        let settings = try await self.store.alertSettings(account: session.account)
        return .ok(.init(body: .json(.init(settings, device: device))))
    }

    func setDoNotDisturb(_ input: Operations.SetDoNotDisturb.Input) async throws -> Operations.SetDoNotDisturb.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let device = try await self.ownedDevice(body.deviceId, account: session.account, field: "device_id")
        var snooze = SnoozeChange.keep
        // A snooze is judged against the alert clock (event time in a simulation), so it is set
        // from it too.
        let now = await self.alerts.snoozeClock()
        switch (body.snoozeUntil, body.snoozeForS, body.clearSnooze ?? false) {
        case (nil, nil, false):
            break
        case (let until?, nil, false):
            // On an event-time clock (replays, simulations) the events may be of any date.
            if self.config.alertClock == .wall {
                guard until > now else { throw TetherError.invalidField("snooze_until", "must be in the future") }
                try AlertSettingsRules.snooze(until: until, setAt: now, field: "snooze_until")
            }
            snooze = .set(until)
        case (nil, let seconds?, false):
            try AlertSettingsRules.snooze(seconds: seconds, field: "snooze_for_s")
            snooze = .set(now.addingTimeInterval(Double(seconds)))
        case (nil, nil, true):
            snooze = .clear
        default:
            throw TetherError.invalidField(
                "snooze_until",
                "snooze_until, snooze_for_s and clear_snooze exclude each other"
            )
        }
        _ = try await self.store.updateDoNotDisturb(
            account: session.account,
            device: device,
            enabled: body.enabled,
            snooze: snooze
        )
        await self.applySettings(account: session.account)
        let settings = try await self.store.alertSettings(account: session.account)
        return .ok(.init(body: .json(.init(settings, device: device))))
    }

    func createQuietWindow(
        _ input: Operations.CreateQuietWindow.Input
    ) async throws -> Operations.CreateQuietWindow.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let window = try AlertSettingsRules.quietWindow(
            days: try Weekday.days(body.days, field: "days"),
            start: try LocalTime(body.from, field: "from"),
            end: try LocalTime(body.to, field: "to"),
            timeZone: body.tz
        )
        let record = QuietWindowRecord(
            id: "dnd_" + UUID().uuidString.lowercased().prefix(12),
            account: session.account,
            device: try await self.ownedDevice(body.deviceId, account: session.account, field: "device_id"),
            window: window
        )
        try await self.store.addQuietWindow(record, createdAt: self.now, limit: AlertSettingsRules.caps.quietWindows)
        await self.applySettings(account: session.account)
        return .created(.init(body: .json(.init(record))))
    }

    func removeQuietWindow(
        _ input: Operations.RemoveQuietWindow.Input
    ) async throws -> Operations.RemoveQuietWindow.Output {
        let session = try await self.authenticator.session()
        guard let record = try await self.store.removeQuietWindow(id: input.path.windowId, account: session.account)
        else { throw TetherError.notFound("do-not-disturb window", field: "windowId") }
        await self.applySettings(account: session.account)
        return .ok(.init(body: .json(.init(record))))
    }

    // MARK: Emergency contact and webhook

    func getEmergencyContact(
        _ input: Operations.GetEmergencyContact.Input
    ) async throws -> Operations.GetEmergencyContact.Output {
        let session = try await self.authenticator.session()
        guard let contact = try await self.store.alertSettings(account: session.account).emergencyContact else {
            throw TetherError.notFound("emergency contact")
        }
        return .ok(.init(body: .json(.init(name: contact.name, phone: contact.phone))))
    }

    func setEmergencyContact(
        _ input: Operations.SetEmergencyContact.Input
    ) async throws -> Operations.SetEmergencyContact.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let contact = try EmergencyContact(name: body.name, phone: body.phone)
        try await self.store.setEmergencyContact(contact, account: session.account)
        return .ok(.init(body: .json(.init(name: contact.name, phone: contact.phone))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        let session = try await self.authenticator.session()
        guard let webhook = try await self.store.alertSettings(account: session.account).webhook else {
            throw TetherError.notFound("webhook")
        }
        return .ok(.init(body: .json(.init(webhook, showingSecret: false))))
    }

    func setWebhook(_ input: Operations.SetWebhook.Input) async throws -> Operations.SetWebhook.Output {
        let session = try await self.authenticator.session()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let url = try WebhookEndpoint.url(body.url)
        // Resolved and checked now, so a refused target is told at once; checked again at every post.
        _ = try await self.config.webhookTargets.check(url)
        let webhook = WebhookEndpoint(
            url: url,
            secret: SecretToken.generate(.webhookSecret).text,
            createdAt: self.now
        )
        _ = try await self.store.setWebhook(webhook, account: session.account)
        return .ok(.init(body: .json(.init(webhook, showingSecret: true))))
    }

    func removeWebhook(_ input: Operations.RemoveWebhook.Input) async throws -> Operations.RemoveWebhook.Output {
        let session = try await self.authenticator.session()
        guard let previous = try await self.store.setWebhook(nil, account: session.account) else {
            throw TetherError.notFound("webhook")
        }
        return .ok(.init(body: .json(.init(previous, showingSecret: false))))
    }

    // MARK: Pieces

    /// Hands a saved change to the alert engines. The change is stored whatever happens here,
    /// so a failure is logged (the engines take it up when the account is next loaded), not
    /// answered as a failed request that a retry would repeat.
    func applySettings(account: AccountID) async {
        do {
            try await self.alerts.settingsChanged(account: account)
        } catch {
            self.logger.error("alert engines did not take a settings change", metadata: ["error": "\(error)"])
        }
    }

    /// The account's device named by `id` (`nil` when no id is given); another account's id, or
    /// one of the wrong kind, is refused naming `field`.
    func ownedDevice(
        _ id: String?,
        account: AccountID,
        field: String,
        kind: DeviceKind? = nil
    ) async throws -> DeviceID? {
        guard let id else { return nil }
        guard let device = try await self.store.device(id: DeviceID(rawValue: id), account: account) else {
            throw TetherError.notFound("device", field: field)
        }
        if let kind, device.kind != kind {
            throw TetherError.invalidField(field, "must be a device of kind \(kind.rawValue)")
        }
        return device.id
    }
}
