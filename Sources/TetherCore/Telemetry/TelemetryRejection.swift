/// Why one event of a batch was not stored. The rest of the batch is unaffected.
///
/// `reason` reads as a sentence that starts with the field: `"lat must be between -90 and 90"`.
public struct TelemetryRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field at fault, relative to the event (`lat`, `aps[2].bssid`), when one field is.
    public var field: String?
    /// What is wrong, for a person.
    public var reason: String

    /// Creates a rejection; `detail` continues the field's name.
    public init(field: String?, _ detail: String) {
        self.field = field
        self.reason = field.map { "\($0) \(detail)" } ?? detail
    }

    public var description: String { self.reason }

    /// The event's `kind` is not one this server knows.
    static func unknownKind(_ kind: String) -> TelemetryRejection {
        let known = TelemetryKind.allCases.map(\.rawValue).joined(separator: ", ")
        return TelemetryRejection(field: "kind", "'\(kind.prefix(32))' is not a known kind (\(known))")
    }
}
