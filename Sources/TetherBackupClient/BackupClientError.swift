/// Why a backup push, restore or verify stopped: one line for a person, and what kind of
/// failure it was.
///
/// ```swift
/// do {
///     _ = try await push.run(paths: ["/home/me/Documents"])
/// } catch let error as BackupClientError where error.status == 401 {
///     // sign in again
/// }
/// ```
public struct BackupClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case request
            case paths
            case localFile = "local_file"
            case corrupt
        }

        private let base: Base

        /// A request failed: it got no answer, or the server refused it (``BackupClientError/status``).
        public static let request = Code(base: .request)
        /// A path given to back up cannot be backed up (missing, or two with one name).
        public static let paths = Code(base: .paths)
        /// Reading or writing a local file failed.
        public static let localFile = Code(base: .localFile)
        /// What the server sent fails its check: a malformed key or manifest, a chunk that does
        /// not hash to its id.
        public static let corrupt = Code(base: .corrupt)

        public var description: String { self.base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// One line for a person.
    public let description: String
    /// The HTTP status of the server's answer, when the server refused a request.
    public let status: Int?

    /// An error of kind `code`.
    public init(_ code: Code, _ description: String, status: Int? = nil) {
        self.code = code
        self.description = description
        self.status = status
    }

    /// A failed request: `status` is the server's answer, `nil` when there was none.
    public static func request(_ description: String, status: Int?) -> BackupClientError {
        BackupClientError(.request, description, status: status)
    }

    /// Whether sending the request again may succeed: it got no answer at all (unreachable,
    /// connection reset) or a 5xx. A 4xx would get the same answer again.
    public var isTransient: Bool {
        guard self.code == .request else { return false }
        guard let status = self.status else { return true }
        return status >= 500
    }
}
