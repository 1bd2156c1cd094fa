public import Foundation

/// A one-time pairing code an owner asked for, as stored: the code itself only as its digest.
public struct PairingRequest: Sendable, Hashable {
    /// The request's id, for polling its state.
    public var id: PairingID
    /// The account the claimed device will belong to.
    public var account: AccountID
    /// SHA-256 (hex) of the normalised code.
    public var codeHash: String
    /// When the code was issued.
    public var createdAt: Date
    /// When the code stops working.
    public var expiresAt: Date
    /// When a device claimed it, if one did.
    public var claimedAt: Date?
    /// The device that claimed it.
    public var claimedBy: DeviceID?

    /// Creates a pairing request value.
    public init(
        id: PairingID,
        account: AccountID,
        codeHash: String,
        createdAt: Date,
        expiresAt: Date,
        claimedAt: Date? = nil,
        claimedBy: DeviceID? = nil
    ) {
        self.id = id
        self.account = account
        self.codeHash = codeHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.claimedAt = claimedAt
        self.claimedBy = claimedBy
    }

    /// Where the code is in its life at `now`.
    public func state(at now: Date) -> PairingState {
        if self.claimedAt != nil { return .claimed }
        return now >= self.expiresAt ? .expired : .pending
    }
}

/// The life of a pairing code.
public enum PairingState: String, Sendable, Hashable {
    /// Issued, not yet claimed, not expired.
    case pending
    /// A device claimed it.
    case claimed
    /// It expired unclaimed.
    case expired
}
