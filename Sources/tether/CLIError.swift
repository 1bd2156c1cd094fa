/// A failure the CLI reports as one line on stderr with a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    /// The line to print.
    var description: String
    /// The HTTP status of the server's answer, when the server refused the request.
    var status: Int?
    /// Whether the server could not be reached at all (no answer).
    var unreachable = false

    init(_ description: String, status: Int? = nil, unreachable: Bool = false) {
        self.description = description
        self.status = status
        self.unreachable = unreachable
    }
}

extension CLIError {
    /// The saved session cannot be renewed any more.
    static let sessionExpired = CLIError("session expired: run 'tether account login'", status: 401)
}
