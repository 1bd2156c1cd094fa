public import Crypto

/// A SHA-256 digest: of one record's canonical encoding, or of a range of them.
public struct ReplicaDigest: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes.
    public let bytes: [UInt8]

    /// The digest of an empty range: 32 zero bytes.
    public static let empty = ReplicaDigest(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    /// Wraps a SHA-256 result.
    public init(_ digest: SHA256.Digest) {
        self.bytes = Array(digest)
    }

    /// The SHA-256 of `bytes`.
    public init(hashing bytes: [UInt8]) {
        self.init(SHA256.hash(data: bytes))
    }

    /// Reads 64 lower-case hex digits, or `nil`.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = HexKey.value(of: digits[index]), let low = HexKey.value(of: digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    private init(uncheckedBytes: [UInt8]) {
        self.bytes = uncheckedBytes
    }

    /// 64 lower-case hex digits.
    public var hex: String {
        HexKey.hex(self.bytes)
    }

    public var description: String { self.hex }
}

/// Keys of replicated records are lower-case hex strings; their digits choose a range's bucket.
enum HexKey {
    static let digits = Array("0123456789abcdef".utf8)

    /// The value of one lower-case hex digit, or `nil`.
    static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: digit - 48
        case 97...102: digit - 87
        default: nil
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(self.digits[Int(byte >> 4)])
            text.append(self.digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Whether `key` is a non-empty string of lower-case hex digits.
    static func isValid(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { self.value(of: $0) != nil }
    }
}
