public import Foundation

/// One field's value in an account's domain records (``AccountRecords``), as it travels between
/// regions: a JSON scalar read by the field's ``AccountField/Kind``.
public enum AccountValue: Sendable, Hashable {
    /// No value (an optional field unset).
    case null
    /// A text field.
    case text(String)
    /// An integer field, and an instant in Unix milliseconds.
    case integer(Int64)
    /// A real-number field.
    case real(Double)
    /// A yes/no field.
    case flag(Bool)
    /// Bytes, base64 in JSON.
    case bytes(Data)
}
