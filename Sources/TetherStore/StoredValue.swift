public import Foundation

/// One value of a table's row, in SQLite's storage classes: the form in which the stores read
/// and write rows by column name (`tetherd copy-store`, and the columns of ``AccountRecords``,
/// which convert them to domain fields by ``AccountRecordSet``). Instants are text in GRDB's
/// date format (``StoredValue/dateText(milliseconds:)``), flags integers 0 and 1.
public enum StoredValue: Sendable, Hashable {
    /// No value.
    case null
    /// A 64-bit integer.
    case integer(Int64)
    /// A double.
    case real(Double)
    /// Text.
    case text(String)
    /// Bytes.
    case blob(Data)
}
