/// One field of an account's domain records: its name on the wire, its kind, and where the
/// store keeps it.
public struct AccountField: Sendable, Hashable {
    /// What a field holds.
    public enum Kind: Sendable, Hashable {
        /// A string.
        case text
        /// A whole number.
        case integer
        /// A number, whole or not.
        case real
        /// `true` or `false`.
        case flag
        /// An instant, as Unix milliseconds (the name ends in `_ms`).
        case instant
        /// Bytes, as base64.
        case bytes
    }

    /// Another record a field names, which must be one of the same account's.
    public enum Reference: Sendable, Hashable {
        /// A device of the account (`devices`).
        case device
        /// An alert of the account (`alerts`).
        case alert
    }

    /// The field's name in the JSON.
    public var name: String
    /// The column that keeps it (both backends' tables name their columns alike).
    public var column: String
    /// What it holds.
    public var kind: Kind
    /// Whether it may be `null` or left out.
    public var isOptional: Bool
    /// The record it names, checked when an account arrives.
    public var reference: Reference?
    /// Whether it travels only when the account moves, not in its replicas' settings record
    /// (a value that changes without the account's change number moving).
    public var movesOnly: Bool

    /// A field kept in `column` (by default the column of its own name).
    public init(
        _ name: String,
        column: String? = nil,
        _ kind: Kind,
        optional: Bool = false,
        reference: Reference? = nil,
        movesOnly: Bool = false
    ) {
        self.name = name
        self.column = column ?? name
        self.kind = kind
        self.isOptional = optional
        self.reference = reference
        self.movesOnly = movesOnly
    }
}
