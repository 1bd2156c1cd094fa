import Foundation

/// A path as the bytes a Linux file name holds, so any name round-trips: spaces, newlines,
/// Unicode, and bytes that are not UTF-8 at all.
///
/// In JSON it is a string when the bytes are valid UTF-8, else `{"base64": "…"}`.
public struct ManifestPath: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The raw bytes (no NUL).
    public var bytes: [UInt8]

    /// A path of raw bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A path from a string.
    public init(_ string: String) {
        self.bytes = Array(string.utf8)
    }

    /// The path's `/`-separated components.
    public var components: [ArraySlice<UInt8>] {
        self.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
    }

    /// `self/name`.
    public func appending(_ name: [UInt8]) -> ManifestPath {
        self.bytes.isEmpty ? ManifestPath(bytes: name) : ManifestPath(bytes: self.bytes + [UInt8(ascii: "/")] + name)
    }

    private enum CodingKeys: String, CodingKey {
        case base64
    }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self.bytes = Array(text.utf8)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let data = Data(base64Encoded: try container.decode(String.self, forKey: .base64)) else {
            throw DecodingError.dataCorruptedError(forKey: .base64, in: container, debugDescription: "not base64")
        }
        self.bytes = Array(data)
    }

    public func encode(to encoder: any Encoder) throws {
        if let text = String(validating: self.bytes, as: UTF8.self) {
            var container = encoder.singleValueContainer()
            try container.encode(text)
        } else {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(Data(self.bytes).base64EncodedString(), forKey: .base64)
        }
    }

    public static func < (lhs: ManifestPath, rhs: ManifestPath) -> Bool {
        lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }

    /// The path for people: invalid UTF-8 is shown with replacement characters.
    public var description: String { String(decoding: self.bytes, as: UTF8.self) }
}
