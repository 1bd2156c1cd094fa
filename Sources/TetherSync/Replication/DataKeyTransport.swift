import Crypto
public import Foundation
public import TetherCore

/// How an account's data key crosses from its home to another region (a replica, or the new home
/// of a moving account), so that only the receiving region can open it.
///
/// To a region whose entry in the regions file lists keys, the key is sealed with HPKE (RFC 9180,
/// base mode: X25519, HKDF-SHA-256, AES-256-GCM) to its newest `hpke_key`, with the account and
/// both regions in the context: the encapsulated key (32 bytes), then the ciphertext. The receiver
/// opens it with its key file's pairs, newest first. To a region without keys (loopback
/// deployments only) it is wrapped under ``DirectoryKey/replicaTransportKey``, which every region
/// can derive.
public struct DataKeyTransport: Sendable {
    /// This region.
    public let region: RegionID
    /// This region's keys, which open what peers sealed to it; `nil` for a region without keys.
    let keyring: RegionKeyring?
    /// The key every region derives from the directory key.
    let sharedKey: KeyEncryptionKey

    /// The HPKE suite: X25519 with HKDF-SHA-256, AES-256-GCM.
    static let ciphersuite = HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256)

    /// The transport of `region`, opening with `keyring` (none: the shared key of `directoryKey`).
    public init(region: RegionID, keyring: RegionKeyring?, directoryKey: DirectoryKey) {
        self.region = region
        self.keyring = keyring
        self.sharedKey = directoryKey.replicaTransportKey
    }

    /// `key` of `account`, for `receiver` only.
    public func seal(_ key: AccountDataKey, account: AccountID, to receiver: RegionDirectory.Region) throws -> Data {
        guard let recipient = receiver.keys.first else { return try self.sharedKey.wrap(key, account: account) }
        var sender = try HPKE.Sender(
            recipientKey: recipient.agreementKey,
            ciphersuite: Self.ciphersuite,
            info: Self.info(account: account, from: self.region, to: receiver.id)
        )
        let sealed = try key.key.withUnsafeBytes { raw in try sender.seal(raw) }
        return sender.encapsulatedKey + sealed
    }

    /// Opens the data key of `account` that `sender` sealed to this region.
    ///
    /// - Throws: ``TetherError/replicaInvalid(field:_:)`` for `field` when it does not open here.
    public func open(
        _ sealed: Data,
        account: AccountID,
        from sender: RegionID,
        field: String
    ) throws(TetherError)
        -> AccountDataKey
    {
        guard let keyring = self.keyring else {
            do {
                return try self.sharedKey.unwrap(sealed, account: account)
            } catch {
                throw .replicaInvalid(field: field, "The data key does not open under the transport key.")
            }
        }
        let encapsulated = Data(sealed.prefix(32))
        let ciphertext = sealed.dropFirst(32)
        let info = Self.info(account: account, from: sender, to: self.region)
        for pair in keyring.pairs {
            guard
                var recipient = try? HPKE.Recipient(
                    privateKey: pair.agreement,
                    ciphersuite: Self.ciphersuite,
                    info: info,
                    encapsulatedKey: encapsulated
                ),
                let raw = try? recipient.open(ciphertext), raw.count == 32
            else { continue }
            return AccountDataKey(key: SymmetricKey(data: raw))
        }
        throw .replicaInvalid(field: field, "The data key is not sealed to this region's keys.")
    }

    private static func info(account: AccountID, from sender: RegionID, to receiver: RegionID) -> Data {
        Data("tether data key v2\u{0}\(account.rawValue)\u{0}\(sender.rawValue)\u{0}\(receiver.rawValue)".utf8)
    }
}
