/// A stored value that no longer reads as a valid domain value (any backend).
public struct StoreCorruption: Error, CustomStringConvertible {
    /// The table the value came from.
    public var table: String
    /// Its column.
    public var column: String

    /// Names the unreadable value.
    public init(table: String, column: String) {
        self.table = table
        self.column = column
    }

    public var description: String { "unreadable value in \(self.table).\(self.column)" }
}
