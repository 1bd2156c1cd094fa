/// The id of a region (`eu`, `us-east`, `local`): 1–32 lower-case letters, digits and `-`.
public struct RegionID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id.
    public let rawValue: String

    /// Validates `rawValue`; returns `nil` when it is not a region id.
    public init?(rawValue: String) {
        guard (1...32).contains(rawValue.count),
            rawValue.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { return nil }
        self.rawValue = rawValue
    }

    /// Validates `text` as the request field `field`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)``.
    public init(validating text: String, field: String = "region") throws(TetherError) {
        guard let region = RegionID(rawValue: text) else {
            throw .invalidField(field, "must be 1-32 lower-case letters, digits or '-'")
        }
        self = region
    }

    public var description: String { self.rawValue }
}
