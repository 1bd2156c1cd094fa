public import Foundation

/// A paired device: a tracker, earbuds, a phone, … owned by one account.
public struct Device: Sendable, Hashable {
    /// The device's id.
    public var id: DeviceID
    /// The owning account.
    public var owner: AccountID
    /// The manufacturer's serial number; unique across the service.
    public var serial: String
    /// The model name (`TAG-1`).
    public var model: String
    /// What kind of device this is.
    public var kind: DeviceKind
    /// The owner's name for it.
    public var name: String
    /// Hardware version, when the device said.
    public var hardwareVersion: String?
    /// Software version, when the device said.
    public var softwareVersion: String?
    /// When it was (last) paired.
    public var pairedAt: Date
    /// When it last authenticated, if ever.
    public var lastSeen: Date?

    /// Creates a device value.
    public init(
        id: DeviceID,
        owner: AccountID,
        serial: String,
        model: String,
        kind: DeviceKind,
        name: String,
        hardwareVersion: String? = nil,
        softwareVersion: String? = nil,
        pairedAt: Date,
        lastSeen: Date? = nil
    ) {
        self.id = id
        self.owner = owner
        self.serial = serial
        self.model = model
        self.kind = kind
        self.name = name
        self.hardwareVersion = hardwareVersion
        self.softwareVersion = softwareVersion
        self.pairedAt = pairedAt
        self.lastSeen = lastSeen
    }
}

/// What kind of thing a device is. The owner's phone is a device of kind ``phone``.
public enum DeviceKind: String, Sendable, Hashable, CaseIterable, Codable {
    case tracker
    case earbuds
    case phone
    case powerBank = "power_bank"
    case camera
    case watch
    case laptop
    case other
}

/// What a device states about itself when it claims a pairing code, validated.
public struct DeviceClaim: Sendable, Hashable {
    /// The serial number.
    public var serial: String
    /// The model name.
    public var model: String
    /// The kind; `tracker` when not given.
    public var kind: DeviceKind
    /// The display name; the model when not given.
    public var name: String
    /// Hardware version.
    public var hardwareVersion: String?
    /// Software version.
    public var softwareVersion: String?

    /// Validates every field.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the first field at fault.
    public init(
        serial: String,
        model: String,
        kind: DeviceKind?,
        name: String? = nil,
        hardwareVersion: String? = nil,
        softwareVersion: String? = nil
    ) throws(TetherError) {
        self.serial = try DeviceField.serial(serial)
        self.model = try DeviceField.label(model, field: "model")
        self.kind = kind ?? .tracker
        self.name =
            try name.map { name throws(TetherError) in try DeviceField.label(name, field: "name") } ?? self.model
        self.hardwareVersion = try hardwareVersion.map { version throws(TetherError) in
            try DeviceField.label(version, field: "hw_version")
        }
        self.softwareVersion = try softwareVersion.map { version throws(TetherError) in
            try DeviceField.label(version, field: "sw_version")
        }
    }
}

/// Validation of the text fields of a device.
public enum DeviceField {
    /// The longest serial, model, name or version accepted, in characters.
    public static let maximumLength = 64
    /// The longest model, name or version accepted, in UTF-8 bytes.
    public static let maximumBytes = 256

    /// A serial: 1–64 of letters, digits, `-`, `_`, `.`, `:`; trimmed.
    public static func serial(_ text: String) throws(TetherError) -> String {
        let serial = String(text.trimmingWhitespace())
        guard (1...Self.maximumLength).contains(serial.count) else {
            throw .invalidField("serial", "must be 1-\(Self.maximumLength) characters")
        }
        let allowed = serial.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "-_.:".unicodeScalars.contains($0)
        }
        guard allowed else {
            throw .invalidField("serial", "may hold only letters, digits, '-', '_', '.' and ':'")
        }
        return serial
    }

    /// A model, name or version: 1–64 printable characters; trimmed.
    public static func label(_ text: String, field: String) throws(TetherError) -> String {
        let label = String(text.trimmingWhitespace())
        // Characters, and bytes too: stacked combining marks make one character of many bytes.
        guard (1...Self.maximumLength).contains(label.count), label.utf8.count <= Self.maximumBytes else {
            throw .invalidField(
                field,
                "must be 1-\(Self.maximumLength) characters and at most \(Self.maximumBytes) bytes"
            )
        }
        guard label.unicodeScalars.allSatisfy({ !($0.properties.generalCategory == .control) }) else {
            throw .invalidField(field, "must not contain control characters")
        }
        return label
    }
}
