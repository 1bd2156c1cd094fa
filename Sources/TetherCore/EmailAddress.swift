/// A normalised email address: trimmed and lower-cased, with one `@`, a non-empty local
/// part and a dotted domain.
///
/// Normalising makes `Ada@Example.org ` and `ada@example.org` the same account.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normalised address.
    public let value: String

    /// The longest address accepted (RFC 5321 path limit).
    public static let maximumLength = 254

    /// Normalises and validates `text`.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `email`.
    public init(_ text: String) throws(TetherError) {
        let normalised = String(text.trimmingWhitespace().lowercased())
        guard !normalised.isEmpty else {
            throw .invalidField("email", "is required")
        }
        guard normalised.count <= Self.maximumLength, normalised.utf8.count <= Self.maximumLength * 4 else {
            throw .invalidField("email", "must be at most \(Self.maximumLength) characters")
        }
        let parts = normalised.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw .invalidField("email", "must look like name@example.org")
        }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidField("email", "must have a domain like example.org")
        }
        guard normalised.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw .invalidField("email", "must not contain spaces or control characters")
        }
        self.value = normalised
    }

    public var description: String { self.value }
}

extension StringProtocol {
    /// The string without leading and trailing whitespace and newlines, judged Unicode scalar by
    /// scalar as the contract's patterns (`\s`) judge it: a combining mark after a space stays,
    /// where trimming whole characters would drop it with the space.
    func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
