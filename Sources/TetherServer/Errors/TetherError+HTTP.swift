import Foundation
public import HTTPTypes
public import Hummingbird
public import TetherCore

extension TetherError.Kind {
    /// The kind that answers with status `code` (a peer's problem passed on); another `4xx` is
    /// invalid input, another `5xx` unavailable.
    public init(status code: Int) {
        self = Self.allCases.first { $0.status.code == code } ?? (code < 500 ? .invalidInput : .unavailable)
    }

    /// The HTTP status a failure of this kind answers with.
    public var status: HTTPResponse.Status {
        switch self {
        case .invalidInput: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .unprocessable: .unprocessableContent
        case .gone: .gone
        case .tooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .misdirected: .misdirectedRequest
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}

/// A ``TetherError`` renders itself as an `application/problem+json` response (RFC 9457).
extension TetherError: HTTPResponseError {
    public var status: HTTPResponse.Status { self.kind.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.problemResponse()
    }

    /// The problem document response for this error.
    func problemResponse() -> Response {
        let status = self.kind.status
        let problem = ProblemDetails(self, status: status.code, title: status.reasonPhrase)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data(#"{"code":"internal_error","status":500}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter = self.retryAfterSeconds {
            headers[.retryAfter] = String(retryAfter)
        }
        if self.kind == .unauthenticated {
            headers[.wwwAuthenticate] = "Bearer"
        }
        if let allowed = self.allowedMethods {
            headers[.allow] = allowed.joined(separator: ", ")
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
