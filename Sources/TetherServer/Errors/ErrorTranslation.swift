import Hummingbird
import OpenAPIRuntime
import TetherCore

/// The one place where any error thrown while serving a request becomes a ``TetherError``.
enum ErrorTranslation {
    /// Translates `error`; `isExpected` is false for errors that point at a bug or an outage.
    static func translate(_ error: any Error) -> (error: TetherError, isExpected: Bool) {
        switch error {
        case let error as TetherError:
            return (error, error.kind != .internal)
        case let error as ServerError:
            return Self.translate(serverError: error)
        case let error as DecodingError:
            return (Self.translate(decodingError: error), true)
        case let error as HTTPError:
            return (Self.translate(httpStatus: error.status, detail: error.body), error.status.code < 500)
        default:
            return (.internalError, false)
        }
    }

    /// OpenAPI wraps handler and decoding errors; unwrap to what caused them.
    private static func translate(serverError: ServerError) -> (error: TetherError, isExpected: Bool) {
        let underlying = serverError.underlyingError
        if underlying is TetherError || underlying is DecodingError {
            return Self.translate(underlying)
        }
        if (400..<500).contains(serverError.httpStatus.code) {
            return (Self.translate(httpStatus: serverError.httpStatus, detail: serverError.causeDescription), true)
        }
        return (.internalError, false)
    }

    /// A decoding failure names the JSON field at fault.
    static func translate(decodingError: DecodingError) -> TetherError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            return keys.reduce(into: "") { path, key in
                if let index = key.intValue {
                    path += "[\(index)]"
                } else {
                    path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        switch decodingError {
        // Valid JSON but not an object (`null`, `[…]`, `42`): no field is at fault, the whole body is.
        case .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return .malformedBody("The body must be a JSON object.")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .malformedBody("The body must be a JSON object.")
        case .keyNotFound(let key, let context):
            return .invalidField(path(context.codingPath, key), "is required")
        case .valueNotFound(_, let context):
            return .invalidField(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return .invalidField(path(context.codingPath), "has the wrong type (expected \(Self.jsonTypeName(type)))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .malformedBody("The body is not valid JSON.")
        case .dataCorrupted(let context):
            return .invalidField(path(context.codingPath), "has an invalid value")
        @unknown default:
            return .malformedBody("The body could not be read.")
        }
    }

    private static func translate(httpStatus: HTTPResponse.Status, detail: String?) -> TetherError {
        let kind: TetherError.Kind
        let code: String
        switch httpStatus.code {
        case 401: (kind, code) = (.unauthenticated, "unauthenticated")
        case 403: (kind, code) = (.forbidden, "forbidden")
        case 404: (kind, code) = (.notFound, "not_found")
        case 405: (kind, code) = (.methodNotAllowed, "method_not_allowed")
        case 413: (kind, code) = (.tooLarge, "body_too_large")
        case 415: (kind, code) = (.unsupportedMediaType, "unsupported_media_type")
        case 400..<500: (kind, code) = (.invalidInput, "bad_request")
        default: (kind, code) = (.internal, "internal_error")
        }
        return TetherError(code: code, kind: kind, detail: detail ?? httpStatus.reasonPhrase)
    }

    private static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type, is Int32.Type: "integer"
        case is Double.Type, is Float.Type: "number"
        default: "\(type)"
        }
    }
}
