public import Foundation
public import TetherCore

/// Stores pairing codes, devices and device credentials (as digests).
public protocol DeviceStore: Sendable {
    /// Inserts a new pairing request, in one transaction with the check of `limit` (pairing codes
    /// per account in the window) when one is given.
    ///
    /// Atomic: the count and the insert are one transaction that no other request of the same
    /// account interleaves with, and the unique code digest decides a clash (the insert itself,
    /// not a read before it). SQLite has one writer; a backend with many connections takes the
    /// account's lock (e.g. `SELECT … FOR UPDATE` on its account row) before counting, so N
    /// concurrent requests at a limit of L store exactly L.
    ///
    /// - Returns: `false` when another pairing request already has the same code digest (the
    ///   caller draws a new code); nothing is stored then.
    /// - Throws: ``TetherError/pairingRateLimited(limitPerHour:retryAfterSeconds:)`` when the
    ///   account's window is full.
    func createPairingRequest(_ request: PairingRequest, limit: SlidingWindowLimit?) async throws -> Bool

    /// The account's pairing request with `id`.
    func pairingRequest(id: PairingID, account: AccountID) async throws -> PairingRequest?

    /// The pairing request whose code has the digest `codeHash`, whatever its state.
    func pairingRequest(codeHash: String) async throws -> PairingRequest?

    /// Claims a pending code and pairs the device, in one transaction: nothing changes on error.
    ///
    /// Atomic: the code is claimed by one conditional update (only while it is pending), so of
    /// concurrent claims of one code exactly one pairs a device.
    ///
    /// A serial already paired to the same account is re-paired (same id, new credential).
    ///
    /// - Throws: ``TetherError/pairingCodeNotFound``, ``TetherError/pairingCodeExpired``,
    ///   ``TetherError/pairingCodeUsed``, ``TetherError/serialTaken``.
    func claimPairingCode(
        codeHash: String,
        claim: DeviceClaim,
        credentialHash: String,
        now: Date
    ) async throws -> Device

    /// The account's devices, oldest pairing first.
    func devices(account: AccountID) async throws -> [Device]

    /// The account's device with `id` (another account's id gives `nil`).
    func device(id: DeviceID, account: AccountID) async throws -> Device?

    /// Renames the account's device; `nil` when it has no such device.
    func renameDevice(id: DeviceID, account: AccountID, name: String) async throws -> Device?

    /// Removes the account's device and its credential; `nil` when it has no such device.
    func removeDevice(id: DeviceID, account: AccountID) async throws -> Device?

    /// The device whose credential has digest `hash`.
    func device(credentialHash hash: String) async throws -> Device?

    /// Marks the device as seen at `date`.
    func markSeen(device: DeviceID, at date: Date) async throws
}

extension DeviceStore {
    /// Inserts a new pairing request with no rate limit.
    @discardableResult
    public func createPairingRequest(_ request: PairingRequest) async throws -> Bool {
        try await self.createPairingRequest(request, limit: nil)
    }
}
