public import TetherCore

/// A server's error answer: the HTTP status and its RFC 9457 problem document.
public struct APIProblem: Error, Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// The problem document (built from the status when the server sent none).
    public var problem: ProblemDetails

    /// Creates a problem value.
    public init(status: Int, problem: ProblemDetails) {
        self.status = status
        self.problem = problem
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
