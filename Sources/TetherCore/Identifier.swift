import Foundation

/// A typed identifier: an opaque string that only compares with ids of the same `Entity`.
///
/// ```swift
/// let id = DeviceID.random()
/// ```
public struct Identifier<Entity>: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The id as stored and sent on the wire.
    public let rawValue: String

    /// Wraps an existing id.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random id (a lower-case UUID).
    public static func random() -> Self {
        Self(rawValue: UUID().uuidString.lowercased())
    }

    public var description: String { self.rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}

/// Identifies an ``Account``.
public typealias AccountID = Identifier<Account>
/// Identifies a ``Device``.
public typealias DeviceID = Identifier<Device>
/// Identifies a signed-in ``Session``.
public typealias SessionID = Identifier<Session>
/// Identifies a ``PairingRequest``.
public typealias PairingID = Identifier<PairingRequest>
