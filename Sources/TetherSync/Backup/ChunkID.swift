public import TetherCore

/// A chunk's id: the lower-case hex HMAC-SHA-256 of its plaintext under the account's chunk-id
/// key (``ChunkHasher``). Two accounts' ids of the same bytes differ, so an id says nothing
/// across accounts.
public struct ChunkID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 64 lower-case hex digits.
    public let rawValue: String

    /// The length of an id.
    public static let length = 64

    /// Reads an id, refusing anything but 64 lower-case hex digits.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`.
    public init(validating text: String, field: String = "chunk_id") throws(TetherError) {
        guard text.utf8.count == Self.length,
            text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else {
            throw .invalidField(field, "must be 64 lower-case hex digits (an HMAC-SHA-256)")
        }
        self.rawValue = text
    }

    /// An id from a digest's bytes.
    init(digest bytes: some Sequence<UInt8>) {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Self.length)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        self.rawValue = String(decoding: text, as: UTF8.self)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self.rawValue = try ChunkID(validating: text).rawValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }

    public static func < (lhs: ChunkID, rhs: ChunkID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { self.rawValue }
}
