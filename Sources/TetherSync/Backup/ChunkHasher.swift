public import Crypto
public import Foundation
public import TetherCore

/// Computes chunk ids: HMAC-SHA-256 under the account's chunk-id key. Clients hold this key
/// (they ask the server for it), so they can name chunks before sending them.
public struct ChunkHasher: Sendable {
    private let key: SymmetricKey

    /// A hasher for the 32-byte `key`.
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// A hasher for a key sent as 64 hex digits (`GET /v1/backup/key`).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `chunk_id_key`.
    public init(hexKey: String) throws(TetherError) {
        guard let bytes = Hex.bytes(hexKey), bytes.count == 32 else {
            throw .invalidField("chunk_id_key", "must be 64 hex digits")
        }
        self.key = SymmetricKey(data: bytes)
    }

    /// The key as 64 lower-case hex digits.
    public var hexKey: String {
        self.key.withUnsafeBytes { Hex.string($0) }
    }

    /// The id of `bytes`.
    public func id(of bytes: UnsafeRawBufferPointer) -> ChunkID {
        ChunkID(digest: HMAC<SHA256>.authenticationCode(for: bytes, using: self.key))
    }

    /// The id of `data`.
    public func id(of data: Data) -> ChunkID {
        data.withUnsafeBytes { self.id(of: $0) }
    }
}

/// Lower-case hex, both ways.
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        ChunkID(digest: bytes).rawValue
    }

    static func bytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}
