public import TetherCore

/// A server's error answer: the HTTP status and its RFC 9457 problem document.
public struct APIProblem: Error, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// The problem document (built from the status when the server sent none).
    public var problem: ProblemDetails
    /// Whether the answer carried a problem document: a Tether server's own, not a bare status
    /// from something in between (a proxy's `502`).
    public var hasDocument: Bool

    /// Creates a problem value.
    public init(status: Int, problem: ProblemDetails, hasDocument: Bool = true) {
        self.status = status
        self.problem = problem
        self.hasDocument = hasDocument
    }

    /// The stable code, e.g. `pairing_code_expired`.
    public var code: String { self.problem.code }

    public var description: String {
        let detail = self.problem.detail ?? self.problem.title
        if let field = self.problem.field {
            return "\(detail) (\(self.code), field \(field), HTTP \(self.status))"
        }
        return "\(detail) (\(self.code), HTTP \(self.status))"
    }
}
