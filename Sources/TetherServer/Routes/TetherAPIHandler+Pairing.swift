import Foundation
import Logging
import TetherAPI
import TetherCore
import TetherStore

extension TetherAPIHandler {
    func createPairingCode(
        _ input: Operations.CreatePairingCode.Input
    ) async throws -> Operations.CreatePairingCode.Output {
        let session = try await self.authenticator.session()
        let now = self.now
        let hourAgo = now.addingTimeInterval(-3_600)
        // A code exactly one hour old has left the hour, so a retry at `retry_after_s` works.
        let recent = try await self.store.pairingRequests(account: session.account, since: hourAgo)
            .filter { $0 > hourAgo }
        let limit = self.config.pairingRateLimitPerHour
        if recent.count >= limit {
            let retryAt = recent[recent.count - limit].addingTimeInterval(3_600)
            let retryAfter = max(1, Int(retryAt.timeIntervalSince(now).rounded(.up)))
            throw TetherError.pairingRateLimited(limitPerHour: limit, retryAfterSeconds: retryAfter)
        }
        let code = PairingCode.random()
        let request = PairingRequest(
            id: .random(),
            account: session.account,
            codeHash: SecretToken.digest(of: code.normalised),
            createdAt: now,
            expiresAt: now.addingTimeInterval(self.config.pairingCodeLifetime.timeInterval)
        )
        try await self.store.createPairingRequest(request)
        let body = Components.Schemas.PairingCode(
            id: request.id.rawValue,
            code: code.description,
            expiresAt: request.expiresAt
        )
        return .created(.init(body: .json(body)))
    }

    func getPairingCode(_ input: Operations.GetPairingCode.Input) async throws -> Operations.GetPairingCode.Output {
        let session = try await self.authenticator.session()
        let id = PairingID(rawValue: input.path.pairingId)
        guard let request = try await self.store.pairingRequest(id: id, account: session.account) else {
            throw TetherError.notFound("pairing code", field: "pairingId")
        }
        var device: Device?
        if let deviceID = request.claimedBy {
            device = try await self.store.device(id: deviceID, account: session.account)
        }
        let state =
            Components.Schemas.PairingStatus.StatePayload(rawValue: request.state(at: self.now).rawValue) ?? .pending
        let body = Components.Schemas.PairingStatus(
            id: request.id.rawValue,
            state: state,
            expiresAt: request.expiresAt,
            device: device.map(Components.Schemas.Device.init)
        )
        return .ok(.init(body: .json(body)))
    }

    func claimDevice(_ input: Operations.ClaimDevice.Input) async throws -> Operations.ClaimDevice.Output {
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let code = try PairingCode(parsing: body.code)
        let claim = try DeviceClaim(
            serial: body.serial,
            model: body.model,
            kind: body.kind.flatMap { DeviceKind(rawValue: $0.rawValue) },
            name: body.name,
            hardwareVersion: body.hwVersion,
            softwareVersion: body.swVersion
        )
        let credential = SecretToken.generate(.deviceCredential)
        let device = try await self.store.claimPairingCode(
            codeHash: SecretToken.digest(of: code.normalised),
            claim: claim,
            credentialHash: credential.digest,
            now: self.now
        )
        self.logger.info(
            "device paired",
            metadata: ["tether.device.id": "\(device.id)", "tether.account.id": "\(device.owner)"]
        )
        let grant = Components.Schemas.ClaimGrant(
            deviceId: device.id.rawValue,
            credential: credential.text,
            device: .init(device)
        )
        return .created(.init(body: .json(grant)))
    }
}
