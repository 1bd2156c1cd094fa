public import Foundation

/// Reads a telemetry batch body, `{"events": [...]}`, deciding each event on its own: one bad
/// field rejects that event only, never the batch.
///
/// ```swift
/// let slots = try TelemetryBatchDecoder().decode(body)
/// for case .success(let event) in slots { … }
/// ```
public struct TelemetryBatchDecoder: Sendable {
    /// The most events one batch may hold.
    public var maxEvents: Int

    /// Creates a decoder for batches of at most `maxEvents` events.
    public init(maxEvents: Int = 1_000) {
        self.maxEvents = maxEvents
    }

    /// Decodes the body into one result per event, in order.
    ///
    /// - Throws: ``TetherError/malformedBody(_:)`` when the body is not a JSON object with an
    ///   `events` array; ``TetherError/tooManyEvents(limit:)`` over ``maxEvents``.
    public func decode(_ body: Data) throws(TetherError) -> [Result<TelemetryEvent, TelemetryRejection>] {
        let batch: WireBatch
        do {
            batch = try JSONDecoder().decode(WireBatch.self, from: body)
        } catch {
            throw .malformedBody("The body must be a JSON object with an \"events\" array.")
        }
        guard batch.events.count <= self.maxEvents else { throw .tooManyEvents(limit: self.maxEvents) }
        return batch.events.map(\.result)
    }
}

/// The body's shape; each slot catches its own event's failure.
private struct WireBatch: Decodable {
    var events: [EventSlot]
}

private struct EventSlot: Decodable {
    var result: Result<TelemetryEvent, TelemetryRejection>

    init(from decoder: any Decoder) throws {
        do {
            self.result = .success(try TelemetryEvent(from: decoder))
        } catch let rejection as TelemetryRejection {
            self.result = .failure(rejection)
        } catch let error as DecodingError {
            self.result = .failure(TelemetryRejection(error, below: decoder.codingPath.count))
        } catch {
            // Foundation's decoder throws an internal error for numbers that do not fit their
            // type (`1e400`, `1.5` for an integer); it names no field, but it is still this
            // event's fault alone.
            self.result = .failure(TelemetryRejection(field: nil, "the event has a number that does not fit its field"))
        }
    }
}

extension TelemetryRejection {
    /// Words a decoding failure as a rejection naming the field, relative to the event object.
    init(_ error: DecodingError, below depth: Int) {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String? {
            let keys = Array(codingPath.dropFirst(depth)) + (last.map { [$0] } ?? [])
            guard !keys.isEmpty else { return nil }
            return keys.reduce(into: "") { path, key in
                if let index = key.intValue {
                    path += "[\(index)]"
                } else {
                    path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath, key), "is required")
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            self.init(field: field, field == nil ? "the event must not be null" : "must not be null")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            self.init(field: field, field == nil ? "the event must be a JSON object" : "must be \(Self.describe(type))")
        case .dataCorrupted(let context):
            self.init(field: path(context.codingPath), "is malformed")
        @unknown default:
            self.init(field: nil, "the event is malformed")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "of a different type"
        }
    }
}
