/// A stored value that no longer reads as a valid domain value (a backend's row decoding throws
/// it, naming the table and column, never the value).
public struct StoreCorruption: Error, CustomStringConvertible {
    /// The table the value was read from.
    public var table: String
    /// The column that held it.
    public var column: String

    /// Creates the error for `table`.`column`.
    public init(table: String, column: String) {
        self.table = table
        self.column = column
    }

    public var description: String { "unreadable value in \(self.table).\(self.column)" }
}
