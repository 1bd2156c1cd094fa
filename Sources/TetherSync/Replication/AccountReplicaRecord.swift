import Crypto
public import TetherCore
public import TetherStore

extension AccountReplicaRecord: ReplicaRecord {
    /// Lower-case hex SHA-256 of `"tether account replica key v1\0"`, account, kind and name
    /// (each after a zero byte): spread evenly over the summary's buckets.
    public var replicaKey: String {
        Self.key(account: self.account, kind: self.kind, name: self.name)
    }

    /// `"tether account replica v1\0"`, the key, a zero byte and the version.
    public var canonicalEncoding: [UInt8] {
        Array("tether account replica v1\u{0}\(self.replicaKey)\u{0}\(self.version)".utf8)
    }

    /// The key of the record of `kind` and `name` of `account`.
    public static func key(account: AccountID, kind: Kind, name: String = "") -> String {
        let text = "tether account replica key v1\u{0}\(account.rawValue)\u{0}\(kind.rawValue)\u{0}\(name)"
        return ReplicaDigest(hashing: Array(text.utf8)).hex
    }
}

/// A record with what it carries: the settings rows as JSON, the transport-wrapped data key, the
/// snapshot as JSON with its sealed manifest, or the chunk's sealed box.
public struct AccountReplicaPayload: Sendable, Hashable {
    /// Which record.
    public var record: AccountReplicaRecord
    /// Its bytes.
    public var payload: [UInt8]

    /// A record with its bytes.
    public init(record: AccountReplicaRecord, payload: [UInt8]) {
        self.record = record
        self.payload = payload
    }
}

extension DirectoryKey {
    /// The key that wraps an account's data key while it travels from its home region to a
    /// replica (HKDF-SHA-256 of the directory key, info `tether replica transport v1`), so the
    /// data key never crosses the wire in the clear; the replica re-wraps it under its own KEK.
    public var replicaTransportKey: KeyEncryptionKey {
        let derived = self.withKey { key in
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key,
                info: Array("tether replica transport v1".utf8),
                outputByteCount: 32
            )
        }
        return try! KeyEncryptionKey(bytes: derived.withUnsafeBytes { Array($0) })
    }
}
