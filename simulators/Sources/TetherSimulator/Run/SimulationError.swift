/// A step of a run that failed (the server refused or could not be reached), as one line.
public struct SimulationError: Error, Sendable, CustomStringConvertible {
    public var description: String

    /// An error that reads `description`.
    public init(_ description: String) {
        self.description = description
    }
}
