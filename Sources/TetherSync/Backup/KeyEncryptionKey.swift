import Crypto
public import Foundation
public import TetherCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The region's key-encryption key (KEK): 32 bytes that wrap every account's data key.
///
/// It lives in a file: by default `<data-dir>/keys/region.kek`, created at first start with
/// mode 0600 in a directory of mode 0700, or any path given with `--kek-file`. The file holds
/// the 32 raw bytes, or 64 hex digits (with an optional newline), so `openssl rand -hex 32`
/// makes one. Each wrapped key records the ``id`` of the KEK that wrapped it, so a rotation
/// (`tetherd rotate-kek`) can tell which keys it still has to re-wrap.
public struct KeyEncryptionKey: Sendable {
    private let key: SymmetricKey
    /// The first 16 hex digits of SHA-256 of the key: names it without revealing it.
    public let id: String

    /// Wraps 32 key bytes.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `kek-file` when there are not 32 bytes.
    public init(bytes: [UInt8]) throws(TetherError) {
        guard bytes.count == 32 else { throw .invalidField("kek-file", "must hold 32 bytes (or 64 hex digits)") }
        self.key = SymmetricKey(data: bytes)
        self.id = String(Hex.string(SHA256.hash(data: bytes)).prefix(16))
    }

    /// A new random KEK.
    public static func random() -> KeyEncryptionKey {
        try! KeyEncryptionKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The default file inside a data directory: `keys/region.kek`.
    public static func defaultFile(dataDirectory: URL) -> URL {
        dataDirectory.appendingPathComponent("keys", isDirectory: true).appendingPathComponent("region.kek")
    }

    /// Reads the KEK at `file`; when `create` is set and there is no file, makes a random one
    /// there first (directory mode 0700, file mode 0600, written whole before it is visible).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `kek-file` when the file is missing
    ///   (and not to be created), unreadable or malformed.
    public static func load(from file: URL, create: Bool) throws(TetherError) -> KeyEncryptionKey {
        let path = file.path
        if create && access(path, F_OK) != 0 {
            let new = KeyEncryptionKey.random()
            try Self.write(new, to: file)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidField("kek-file", "cannot read \(path)")
        }
        var bytes = Array(data)
        if bytes.count != 32 {
            let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let decoded = Hex.bytes(text) else {
                throw .invalidField("kek-file", "must hold 32 bytes (or 64 hex digits)")
            }
            bytes = decoded
        }
        return try KeyEncryptionKey(bytes: bytes)
    }

    /// Writes `kek` as 32 raw bytes to `file` (mode 0600; its directory is made with mode 0700).
    public static func write(_ kek: KeyEncryptionKey, to file: URL) throws(TetherError) {
        try DurableFile.writeSecret(kek.key.withUnsafeBytes { Array($0) }, to: file, field: "kek-file")
    }

    /// Wraps `dataKey` for `account`: AES-256-GCM under the KEK with the account id and the
    /// KEK id as additional data, so a wrapped key cannot be moved to another account.
    public func wrap(_ dataKey: AccountDataKey, account: AccountID) throws -> Data {
        try dataKey.key.withUnsafeBytes { raw in
            try AES.GCM.seal(raw, using: self.key, authenticating: self.context(account)).combined!
        }
    }

    /// Unwraps a key made by ``wrap(_:account:)``.
    ///
    /// - Throws: ``TetherError`` `box_corrupt` when it does not open under this KEK.
    public func unwrap(_ wrapped: Data, account: AccountID) throws(TetherError) -> AccountDataKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            let raw = try AES.GCM.open(box, using: self.key, authenticating: self.context(account))
            return AccountDataKey(key: SymmetricKey(data: raw))
        } catch {
            throw TetherError(
                code: "box_corrupt",
                kind: .internal,
                detail: "The account's data key does not open under KEK \(self.id)."
            )
        }
    }

    private func context(_ account: AccountID) -> [UInt8] {
        Array("tether data key v1\u{0}\(account.rawValue)\u{0}\(self.id)".utf8)
    }
}
