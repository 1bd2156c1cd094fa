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
        let limit = SlidingWindowLimit(limit: self.config.pairingRateLimitPerHour, window: .seconds(3_600))
        // A fresh code colliding with a stored one is rare (~39 bits); draw again when it happens.
        for _ in 0..<Self.codeDrawAttempts {
            let code = PairingCode.random()
            let request = PairingRequest(
                id: .random(),
                account: session.account,
                codeHash: SecretToken.digest(of: code.normalised),
                createdAt: now,
                expiresAt: now.addingTimeInterval(self.config.pairingCodeLifetime.timeInterval)
            )
            guard try await self.store.createPairingRequest(request, limit: limit) else { continue }
            let body = Components.Schemas.PairingCode(
                id: request.id.rawValue,
                code: code.description,
                expiresAt: request.expiresAt
            )
            return .created(.init(body: .json(body)))
        }
        throw TetherError.internalError
    }

    /// How many codes are drawn before giving up on finding an unused one.
    static let codeDrawAttempts = 5

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
        // Claims need no login, so wrong codes are limited per client address against guessing,
        // and so are claims of a serial paired to another account (which probe for serials).
        // The attempt counts as a wrong code until the claim succeeds, so parallel guesses
        // cannot slip past the limit while the store looks.
        let client = RequestScope.current.budgetAddress
        let now = self.now
        if case .refused(let retryAfter) = self.failedClaims.begin(client: client, now: now) {
            self.logger.warning("pairing claims throttled", metadata: ["tether.client": "\(client)"])
            throw TetherError.tooManyClaimAttempts(retryAfterSeconds: retryAfter)
        }
        let credential = SecretToken.generate(.deviceCredential, region: self.config.region)
        let codeHash = SecretToken.digest(of: code.normalised)
        // A device paired while its owner's account moves away would stay behind.
        // That is no wrong code: the device retries as told.
        if let pending = try await self.store.pairingRequest(codeHash: codeHash) {
            do {
                try self.authenticator.admit(pending.account)
            } catch {
                self.failedClaims.forgive(client: client, at: now)
                throw error
            }
        }
        let device: Device
        do {
            device = try await self.store.claimPairingCode(
                codeHash: codeHash,
                claim: claim,
                credentialHash: credential.digest,
                now: now
            )
        } catch let error as TetherError where error.code == TetherError.pairingCodeNotFound.code {
            // The owner's home region may have issued it; that sends the device there. The attempt
            // still counts as a wrong code here.
            try await self.routing.requirePairingCodeNotElsewhere(codeHash: codeHash)
            throw error
        } catch let error as TetherError where error.field == "code" || error.code == TetherError.serialTaken.code {
            throw error
        } catch {
            self.failedClaims.forgive(client: client, at: now)
            throw error
        }
        self.failedClaims.forgive(client: client, at: now)
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
