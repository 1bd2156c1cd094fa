public import Foundation
public import TetherCore
import TetherStore

/// ``DeviceStore`` on PostgreSQL.
extension PostgresStore {
    public func createPairingRequest(_ request: PairingRequest, limit: SlidingWindowLimit?) async throws -> Bool {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func pairingRequest(id: PairingID, account: AccountID) async throws -> PairingRequest? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func pairingRequest(codeHash: String) async throws -> PairingRequest? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func claimPairingCode(
        codeHash: String,
        claim: DeviceClaim,
        credentialHash: String,
        now: Date
    ) async throws -> Device {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func devices(account: AccountID) async throws -> [Device] {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func device(id: DeviceID, account: AccountID) async throws -> Device? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func renameDevice(id: DeviceID, account: AccountID, name: String) async throws -> Device? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func removeDevice(id: DeviceID, account: AccountID) async throws -> Device? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func device(credentialHash hash: String) async throws -> Device? {
        throw PostgresStoreError.notImplemented(#function)
    }

    public func markSeen(device: DeviceID, at date: Date) async throws {
        throw PostgresStoreError.notImplemented(#function)
    }
}
