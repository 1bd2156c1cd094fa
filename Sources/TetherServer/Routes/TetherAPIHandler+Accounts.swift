import Foundation
import Logging
import TetherAPI
import TetherClient
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func registerAccount(_ input: Operations.RegisterAccount.Input) async throws -> Operations.RegisterAccount.Output {
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let email = try EmailAddress(body.email)
        try PasswordPolicy.validate(body.password)
        let signup = try Self.signupHint(latitude: body.latitude, longitude: body.longitude, region: body.region)
        try self.routing.requireHome(try self.routing.homeRegion(for: signup))
        let now = self.now
        let client = RequestScope.current.budgetAddress
        if case .refused(let retryAfter) = self.registrations.begin(client: client, now: now) {
            self.logger.warning("registrations throttled", metadata: ["tether.client": "\(client)"])
            throw TetherError.tooManyRegistrations(retryAfterSeconds: retryAfter)
        }
        let account = Account(id: .random(), email: email, homeRegion: self.config.region, createdAt: now)
        // Registering signs in: the account and its first session are stored together.
        let (session, grant) = self.newSession(for: account, at: now)
        // Every region holds the email for this one first, so it cannot register twice.
        let floor = try await self.routing.reserve(email)
        do {
            // A taken email is answered before bcrypt runs: asking costs no hashing.
            guard try await self.store.accountForSignIn(email: email) == nil else { throw TetherError.emailTaken }
            let passwordHash = try await self.passwords.hash(body.password)
            try await self.store.createAccount(account, passwordHash: passwordHash, signup: signup, session: session)
        } catch let error as TetherError where error == .emailTaken {
            // The email is registered here already (from before the directory knew it): say so everywhere.
            try await self.routing.confirm(email, above: floor)
            throw error
        } catch {
            await self.routing.release(email)
            throw error
        }
        try await self.routing.confirm(email, above: floor)
        self.logger.info("account registered", metadata: ["tether.account.id": "\(account.id)"])
        return .created(.init(body: .json(grant)))
    }

    func getAccount(_ input: Operations.GetAccount.Input) async throws -> Operations.GetAccount.Output {
        let account = try await self.signedInAccount()
        return .ok(.init(body: .json(.init(account))))
    }

    func deleteAccount(_ input: Operations.DeleteAccount.Input) async throws -> Operations.DeleteAccount.Output {
        let session = try await self.authenticator.session()
        let account = try await self.store.account(id: session.account)
        guard let account, try await self.store.deleteAccount(id: session.account) else {
            throw TetherError.unauthenticated
        }
        // The rows went with the account (its wrapped data key first of all); the blobs follow.
        try await self.deleteAccountBackups(session.account)
        await self.replicas?.pushDeletion(of: session.account, logger: self.logger)
        await self.alerts.forget(account: session.account)
        await self.hub.endStreams(account: session.account)
        try await self.routing.withdraw(account.email)
        self.logger.info("account deleted", metadata: ["tether.account.id": "\(session.account)"])
        return .ok(.init(body: .json(.init(deleted: true))))
    }

    func exportAccount(_ input: Operations.ExportAccount.Input) async throws -> Operations.ExportAccount.Output {
        let session = try await self.authenticator.session()
        guard let data = try await self.store.exportAccount(id: session.account) else {
            throw TetherError.unauthenticated
        }
        var export = Components.Schemas.AccountExport(
            data,
            exportedAt: self.now,
            telemetry: try await self.exportTelemetry(data.devices, account: session.account)
        )
        let settings = try await self.store.alertSettings(account: session.account)
        export.alerts = try await self.store.alerts(account: session.account, device: nil, limit: .max).map {
            Components.Schemas.Alert($0)
        }
        export.rules = .init(settings, devices: data.devices.map(\.id))
        export.fences = try settings.fences.map(Components.Schemas.Fence.init)
        let scopes =
            [nil]
            + Set(settings.switches.compactMap(\.device) + settings.quietWindows.compactMap(\.device))
            .sorted { $0.rawValue < $1.rawValue }
        export.dnd = scopes.map { Components.Schemas.DoNotDisturb(settings, device: $0) }
        export.emergencyContact = settings.emergencyContact.map { .init(name: $0.name, phone: $0.phone) }
        export.webhook = settings.webhook.map { .init($0, showingSecret: false) }
        export.backups = try await self.exportBackupSnapshots(session.account)
        export.settingConflicts = try await self.store.settingConflicts(account: session.account, limit: .max).map {
            Components.Schemas.SettingConflict($0.conflict, detectedAt: $0.detectedAt)
        }
        for index in export.devices.indices {
            export.devices[index].telemetry = try await self.deviceTelemetry(
                DeviceID(rawValue: export.devices[index].id),
                account: session.account
            )
        }
        return .ok(.init(body: .json(export)))
    }

    /// The account of the signed-in session.
    func signedInAccount() async throws -> Account {
        let session = try await self.authenticator.session()
        guard let account = try await self.store.account(id: session.account) else { throw TetherError.unauthenticated }
        return account
    }

    private static func signupHint(
        latitude: Double?,
        longitude: Double?,
        region: String?
    ) throws(TetherError) -> SignupHint {
        var hint = SignupHint()
        switch (latitude, longitude) {
        case (let latitude?, let longitude?):
            hint.location = try SignupLocation(latitude: latitude, longitude: longitude)
        case (nil, nil):
            break
        case (nil, _):
            throw .invalidField("latitude", "is required with longitude")
        case (_, nil):
            throw .invalidField("longitude", "is required with latitude")
        }
        if let region {
            hint.requestedRegion = try RegionID(validating: region)
        }
        return hint
    }
}
