public import Crypto
public import Foundation
public import TetherCore

/// An account's 32-byte random data key and the two keys HKDF-SHA-256 derives from it:
/// ``chunkIDs`` (info `tether chunk id v1`), which names chunks and is shared with the
/// account's clients, and the seal key (info `tether chunk seal v1`), which encrypts chunks
/// and manifests at rest and never leaves the server.
///
/// The data key itself is stored only wrapped by the region's ``KeyEncryptionKey``; destroying
/// the wrapped copy makes every box sealed under it unreadable (crypto-shredding).
public struct AccountDataKey: Sendable {
    /// The raw key.
    let key: SymmetricKey
    /// Names chunks.
    public let chunkIDs: ChunkHasher
    private let sealKey: SymmetricKey

    /// Derives the keys of `key` (32 bytes).
    public init(key: SymmetricKey) {
        self.key = key
        let chunkKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key,
            info: Array("tether chunk id v1".utf8),
            outputByteCount: 32
        )
        self.chunkIDs = ChunkHasher(key: chunkKey)
        self.sealKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key,
            info: Array("tether chunk seal v1".utf8),
            outputByteCount: 32
        )
    }

    /// A new random data key.
    public static func random() -> AccountDataKey {
        AccountDataKey(key: SymmetricKey(size: .bits256))
    }

    /// Seals `plaintext` with AES-256-GCM under the seal key, a random 12-byte nonce and
    /// `context` as additional data (a chunk's id, or a snapshot's): the combined box
    /// `nonce ‖ ciphertext ‖ tag`, 28 bytes longer than the plaintext.
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> Data {
        let box = try AES.GCM.seal(
            plaintext,
            using: self.sealKey,
            nonce: AES.GCM.Nonce(),
            authenticating: Array(context.utf8)
        )
        return box.combined!
    }

    /// Opens a box made by ``seal(_:context:)`` with the same `context`.
    ///
    /// - Throws: ``TetherError`` `box_corrupt` when the box was altered, truncated, or sealed for
    ///   another context or key.
    public func open(_ box: some DataProtocol, context: String) throws(TetherError) -> Data {
        do {
            let sealed = try AES.GCM.SealedBox(combined: box)
            return try AES.GCM.open(sealed, using: self.sealKey, authenticating: Array(context.utf8))
        } catch {
            throw TetherError(
                code: "box_corrupt",
                kind: .internal,
                detail: "A stored box does not open: it is corrupt."
            )
        }
    }

    /// The bytes a box adds to its plaintext.
    public static let sealOverhead = 28
}
