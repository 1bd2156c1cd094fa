/// An RFC 9457 problem document, as the server sends it with `application/problem+json`
/// and as clients read it.
///
/// Beside the standard members it carries Tether's stable ``code`` and the ``field`` at fault.
public struct ProblemDetails: Codable, Sendable, Hashable {
    /// A URI reference naming the problem type (`https://tether.dev/problems/email_taken`).
    public var type: String
    /// A short summary of the problem type (the HTTP reason phrase).
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// One sentence for a person.
    public var detail: String?
    /// The stable machine-readable code.
    public var code: String
    /// The offending field, when one field is at fault.
    public var field: String?
    /// For `429`: seconds until a retry may succeed.
    public var retryAfterSeconds: Int?
    /// For `421 wrong_region`: the account's home region.
    public var homeRegion: String?
    /// For `421 wrong_region`: the base URL of the home region's server.
    public var homeURL: String?

    /// Creates a problem document.
    public init(
        type: String,
        title: String,
        status: Int,
        detail: String?,
        code: String,
        field: String? = nil,
        retryAfterSeconds: Int? = nil
    ) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.field = field
        self.retryAfterSeconds = retryAfterSeconds
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, code, field
        case retryAfterSeconds = "retry_after_s"
        case homeRegion = "home_region"
        case homeURL = "home_url"
    }
}

extension ProblemDetails {
    /// The base of every problem `type` URI.
    public static let typeBase = "https://tether.dev/problems/"

    /// The problem document for a ``TetherError`` answered with `status` and its reason phrase `title`.
    public init(_ error: TetherError, status: Int, title: String) {
        self.init(
            type: Self.typeBase + error.code,
            title: title,
            status: status,
            detail: error.detail,
            code: error.code,
            field: error.field,
            retryAfterSeconds: error.retryAfterSeconds
        )
        self.homeRegion = error.home?.region.rawValue
        self.homeURL = error.home?.url
    }
}
