import Foundation

/// Why a scenario file cannot be used: the file, the field at fault (`owners[0].devices[1].kind`)
/// and what is wrong with it.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file's name, e.g. `walk-away.json`.
    public var file: String
    /// The field at fault as a path, empty for the whole file.
    public var field: String
    /// What is wrong.
    public var problem: String

    /// The error of `field` in `file`.
    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        self.field.isEmpty ? "\(self.file): \(self.problem)" : "\(self.file): \(self.field): \(self.problem)"
    }

    /// The error a `DecodingError` stands for, naming its field.
    init(file: String, decoding error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(file: file, field: Self.path(context.codingPath + [key]), problem: "is required")
        case .typeMismatch(let type, let context):
            self.init(file: file, field: Self.path(context.codingPath), problem: "must be \(Self.noun(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, field: Self.path(context.codingPath), problem: "must be \(Self.noun(type)), not null")
        case .dataCorrupted(let context):
            var problem = context.debugDescription
            if context.codingPath.isEmpty, context.underlyingError != nil || problem.contains("JSON") {
                problem = "is not valid JSON" + (context.underlyingError.map { " (\($0.localizedDescription))" } ?? "")
            }
            self.init(file: file, field: Self.path(context.codingPath), problem: problem)
        @unknown default:
            self.init(file: file, field: "", problem: "\(error)")
        }
    }

    /// `owners[0].devices[1].kind` for a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type: "a whole number"
        case is Double.Type: "a number"
        default: "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
