/// A short, human-typable one-time code: 8 characters from an alphabet without look-alikes
/// (no `0 O 1 I L U`), about 39 bits, shown as `K7QW-3MZP`.
///
/// Typing is forgiving: case, spaces and dashes are ignored by ``init(parsing:)``.
public struct PairingCode: Sendable, Hashable, CustomStringConvertible {
    /// The characters a code is made of.
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// The number of characters in a code.
    public static let length = 8

    /// The code without separators, upper case (`K7QW3MZP`).
    public let normalised: String

    /// A new random code from the system's secure generator.
    public static func random() -> PairingCode {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<Self.length).map { _ in Self.alphabet.randomElement(using: &generator)! }
        return PairingCode(normalised: String(characters))
    }

    private init(normalised: String) {
        self.normalised = normalised
    }

    /// Reads a typed code.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` for `code` when it cannot be a code.
    public init(parsing text: String) throws(TetherError) {
        let characters = text.uppercased().filter { $0 != "-" && !$0.isWhitespace }
        guard characters.count == Self.length, characters.allSatisfy({ Self.alphabet.contains($0) }) else {
            throw .invalidField("code", "must be \(Self.length) characters like K7QW-3MZP")
        }
        self.normalised = characters
    }

    /// The code as shown to a person, with a dash in the middle.
    public var description: String {
        let middle = self.normalised.index(self.normalised.startIndex, offsetBy: Self.length / 2)
        return "\(self.normalised[..<middle])-\(self.normalised[middle...])"
    }
}
