/// The one error type of Tether's domain: a stable machine-readable ``code``, the ``field`` at
/// fault when there is one, a human ``detail``, and a ``kind`` that the server turns into an HTTP status.
///
/// Cases grow as static members, so adding one breaks no caller:
///
/// ```swift
/// throw TetherError.invalidField("email", "must contain exactly one @")
/// ```
///
/// `description` carries no secrets or coordinates: only the code, the field and the detail
/// written for the user.
public struct TetherError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What class of failure this is; the server maps each to one HTTP status.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The input is malformed or breaks a rule (400).
        case invalidInput
        /// No valid credential was presented (401).
        case unauthenticated
        /// The credential is valid but not allowed here (403).
        case forbidden
        /// The thing does not exist for this caller (404).
        case notFound
        /// The path exists but does not take this method; ``allowedMethods`` lists those it takes (405).
        case methodNotAllowed
        /// The request conflicts with the stored state (409).
        case conflict
        /// The request is well-formed but its content fails a check, e.g. a chunk whose bytes do
        /// not hash to its id (422).
        case unprocessable
        /// The thing existed but is no longer usable (410).
        case gone
        /// The body is larger than allowed (413).
        case tooLarge
        /// The body is not in a media type the endpoint reads (415).
        case unsupportedMediaType
        /// The account lives in another region; ask that region's server (421).
        case misdirected
        /// Too many attempts; retry later (429).
        case rateLimited
        /// A dependency is not available (503).
        case unavailable
        /// A bug or an unexpected failure (500).
        case `internal`
    }

    /// A stable, machine-readable code such as `email_taken`; scripts match on it.
    public var code: String
    /// The class of failure.
    public var kind: Kind
    /// The request field at fault (`email`, `serial`, `events[3].lat`), when one field is.
    public var field: String?
    /// One sentence for a person.
    public var detail: String
    /// For ``Kind/rateLimited``: seconds until a retry may succeed.
    public var retryAfterSeconds: Int?
    /// For ``Kind/misdirected``: the account's home region and its server's base URL.
    public var home: (region: RegionID, url: String)? {
        get { self.homeRegion.map { ($0, self.homeURL ?? "") } }
        set {
            self.homeRegion = newValue?.region
            self.homeURL = newValue?.url
        }
    }
    private var homeRegion: RegionID?
    private var homeURL: String?
    /// For ``Kind/methodNotAllowed``: the methods the path takes, for the `Allow` header.
    public var allowedMethods: [String]?

    /// Creates an error; prefer the static members below.
    public init(code: String, kind: Kind, field: String? = nil, detail: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.kind = kind
        self.field = field
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String {
        if let field {
            return "\(self.code) (\(field)): \(self.detail)"
        }
        return "\(self.code): \(self.detail)"
    }
}

// MARK: - Regions

extension TetherError {
    /// The account (or the credential presented) belongs to another region: `421 wrong_region`
    /// with the home region's base URL, which clients follow.
    public static func wrongRegion(home region: RegionID, url: String) -> TetherError {
        var error = TetherError(
            code: "wrong_region",
            kind: .misdirected,
            detail: "This account lives in region \(region); send the request to \(url)."
        )
        error.home = (region, url)
        return error
    }

    /// A peer region server could not be asked, so an operation that needs every region's
    /// word (registering an email) cannot go ahead: `503 peer_unavailable`.
    public static func peerUnavailable(_ region: RegionID) -> TetherError {
        TetherError(
            code: "peer_unavailable",
            kind: .unavailable,
            detail: "Region \(region) cannot be reached; try again later."
        )
    }
}

// MARK: - Storage

extension TetherError {
    /// The database cannot be reached (or went away mid-request); nothing was stored:
    /// `503 store_unavailable` with `Retry-After: 1`.
    public static let storeUnavailable = TetherError(
        code: "store_unavailable",
        kind: .unavailable,
        detail: "The database is not reachable; nothing was stored. Try again shortly.",
        retryAfterSeconds: 1
    )
}

// MARK: - Input

extension TetherError {
    /// A field is missing, malformed or out of range; `detail` continues the field's name:
    /// `.invalidField("email", "is required")` reads "email is required".
    public static func invalidField(_ field: String, _ detail: String) -> TetherError {
        TetherError(code: "invalid_field", kind: .invalidInput, field: field, detail: "\(field) \(detail)")
    }

    /// The body is not valid JSON of the expected shape.
    public static func malformedBody(_ detail: String) -> TetherError {
        TetherError(code: "malformed_body", kind: .invalidInput, detail: detail)
    }

    /// The body exceeds the size limit.
    public static func bodyTooLarge(limitBytes: Int) -> TetherError {
        TetherError(code: "body_too_large", kind: .tooLarge, detail: "The request body exceeds \(limitBytes) bytes.")
    }
}

// MARK: - Authentication

extension TetherError {
    /// No bearer token, or one that matches nothing.
    public static let unauthenticated = TetherError(
        code: "unauthenticated",
        kind: .unauthenticated,
        detail: "A valid bearer token is required."
    )

    /// The access token was valid but has expired; refresh it.
    public static let tokenExpired = TetherError(
        code: "token_expired",
        kind: .unauthenticated,
        detail: "The access token has expired; refresh the session."
    )

    /// The refresh token is unknown, revoked or expired; sign in again.
    public static let refreshTokenInvalid = TetherError(
        code: "refresh_token_invalid",
        kind: .unauthenticated,
        field: "refresh_token",
        detail: "The refresh token is not valid; sign in again."
    )

    /// Email or password is wrong (deliberately not saying which).
    public static let invalidCredentials = TetherError(
        code: "invalid_credentials",
        kind: .unauthenticated,
        detail: "The email or password is wrong."
    )

    /// Too many failed sign-ins within the window: for this email from this address, from this
    /// address for any email, or for this email from everywhere (``SignInBudget``).
    public static func tooManyAttempts(retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "too_many_attempts",
            kind: .rateLimited,
            field: "email",
            detail:
                "Too many failed sign-ins for this email or from this address; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// Too many registrations from one client address within the hour.
    public static func tooManyRegistrations(retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "too_many_attempts",
            kind: .rateLimited,
            field: "email",
            detail: "Too many registrations from this address; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// Too many unknown device credentials from one client address within the window; no
    /// credential from it is checked until the window has room.
    public static func tooManyCredentialFailures(retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "too_many_attempts",
            kind: .rateLimited,
            detail: "Too many unknown device credentials from this address; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// The caller's token is valid but not of the role the endpoint needs.
    public static let forbidden = TetherError(
        code: "forbidden",
        kind: .forbidden,
        detail: "This credential may not use this endpoint."
    )
}

// MARK: - Accounts and devices

extension TetherError {
    /// An account with this email exists.
    public static let emailTaken = TetherError(
        code: "email_taken",
        kind: .conflict,
        field: "email",
        detail: "An account with this email already exists."
    )

    /// The thing does not exist for this caller (other accounts' ids answer the same).
    public static func notFound(_ what: String, field: String? = nil) -> TetherError {
        TetherError(code: "not_found", kind: .notFound, field: field, detail: "No such \(what).")
    }

    /// The path exists but does not take `method`: `405 method_not_allowed`, with the methods it
    /// takes in ``allowedMethods`` (the `Allow` header).
    public static func methodNotAllowed(_ method: String, allowed: [String]) -> TetherError {
        var error = TetherError(
            code: "method_not_allowed",
            kind: .methodNotAllowed,
            detail: "This path does not take \(method.prefix(16)); it takes \(allowed.joined(separator: ", "))."
        )
        error.allowedMethods = allowed
        return error
    }

    /// No background job of that name runs on this server (`POST /v1/operator/jobs/{job}/run`).
    public static func jobNotFound(_ name: String) -> TetherError {
        TetherError(
            code: "job_not_found",
            kind: .notFound,
            field: "job",
            detail: "This server runs no job called '\(name.prefix(64))'."
        )
    }

    /// The serial is paired to another account.
    public static let serialTaken = TetherError(
        code: "serial_taken",
        kind: .conflict,
        field: "serial",
        detail: "This serial is paired to another account; its owner must remove it first."
    )

    /// No pending pairing code matches.
    public static let pairingCodeNotFound = TetherError(
        code: "pairing_code_not_found",
        kind: .notFound,
        field: "code",
        detail: "No pairing code matches; check the code and try again."
    )

    /// The pairing code has expired.
    public static let pairingCodeExpired = TetherError(
        code: "pairing_code_expired",
        kind: .gone,
        field: "code",
        detail: "The pairing code has expired; ask for a new one."
    )

    /// The pairing code was already claimed.
    public static let pairingCodeUsed = TetherError(
        code: "pairing_code_used",
        kind: .conflict,
        field: "code",
        detail: "The pairing code was already used; ask for a new one."
    )

    /// Too many wrong pairing codes (or claims of serials paired elsewhere) from one client address.
    public static func tooManyClaimAttempts(retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "too_many_attempts",
            kind: .rateLimited,
            field: "code",
            detail: "Too many wrong pairing codes from this address; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// Too many pairing codes were requested in the last hour.
    public static func pairingRateLimited(limitPerHour: Int, retryAfterSeconds: Int) -> TetherError {
        TetherError(
            code: "rate_limited",
            kind: .rateLimited,
            detail: "At most \(limitPerHour) pairing codes per hour; try again in \(retryAfterSeconds) s.",
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// An unexpected failure; details go to the log, not to the caller.
    public static let internalError = TetherError(
        code: "internal_error",
        kind: .internal,
        detail: "The server failed unexpectedly; the failure was logged."
    )
}

// MARK: - Telemetry

extension TetherError {
    /// A telemetry batch holds more events than allowed.
    public static func tooManyEvents(limit: Int) -> TetherError {
        TetherError(
            code: "too_many_events",
            kind: .tooLarge,
            field: "events",
            detail: "A batch holds at most \(limit) events; split it."
        )
    }

    /// A compressed body could not be decompressed.
    public static let undecodableBody = TetherError(
        code: "malformed_body",
        kind: .invalidInput,
        detail: "The body could not be decompressed as gzip."
    )

    /// The `Content-Encoding` is not one the endpoint reads.
    public static func unsupportedEncoding(_ encoding: String) -> TetherError {
        TetherError(
            code: "unsupported_encoding",
            kind: .unsupportedMediaType,
            detail: "Content-Encoding '\(encoding.prefix(32))' is not supported; send identity or gzip."
        )
    }
}
