public import Foundation

/// Alert rule values of one scope: the account (``device`` `nil`) or one device. A `nil` value
/// is not set here: a device falls back to the account's value, the account to the default.
public struct RuleSettings: Sendable, Hashable {
    /// The device these values are for; `nil` for the account-wide ones.
    public var device: DeviceID?
    /// How far the device may be from the owner's phone, in metres.
    public var allowedDistanceMeters: Double?
    /// How long a device must be apart before an alert, in seconds.
    public var dwellSeconds: Int?
    /// A battery at or below this percentage raises `low_battery`.
    public var lowBatteryPercent: Int?
    /// No telemetry for this many seconds raises `silent`.
    public var silentAfterSeconds: Int?
    /// A lost device re-alerts this often until acknowledged or recovered; `0` never.
    public var repeatIntervalSeconds: Int?
    /// The owner's phone this device is measured against.
    public var phone: DeviceID?

    /// The values used where nothing is set.
    public static let defaults = RuleSettings(
        allowedDistanceMeters: 30,
        dwellSeconds: 60,
        lowBatteryPercent: 15,
        silentAfterSeconds: 6 * 3_600,
        repeatIntervalSeconds: 900
    )

    /// Creates rule values; every value is optional.
    public init(
        device: DeviceID? = nil,
        allowedDistanceMeters: Double? = nil,
        dwellSeconds: Int? = nil,
        lowBatteryPercent: Int? = nil,
        silentAfterSeconds: Int? = nil,
        repeatIntervalSeconds: Int? = nil,
        phone: DeviceID? = nil
    ) {
        self.device = device
        self.allowedDistanceMeters = allowedDistanceMeters
        self.dwellSeconds = dwellSeconds
        self.lowBatteryPercent = lowBatteryPercent
        self.silentAfterSeconds = silentAfterSeconds
        self.repeatIntervalSeconds = repeatIntervalSeconds
        self.phone = phone
    }

    /// Checks every value that is set.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the first value out of range.
    public func validate() throws(TetherError) {
        if let distance = self.allowedDistanceMeters, !(distance.isFinite && (1...100_000).contains(distance)) {
            throw .invalidField("allowed_distance_m", "must be between 1 and 100000 metres")
        }
        if let dwell = self.dwellSeconds, !(0...3_600).contains(dwell) {
            throw .invalidField("dwell_s", "must be between 0 and 3600 seconds")
        }
        if let percent = self.lowBatteryPercent, !(0...100).contains(percent) {
            throw .invalidField("low_battery_pct", "must be between 0 and 100")
        }
        if let silent = self.silentAfterSeconds, !(60...(30 * 86_400)).contains(silent) {
            throw .invalidField("silent_after_s", "must be between 60 seconds and 30 days")
        }
        if let interval = self.repeatIntervalSeconds, interval != 0, !(60...(7 * 86_400)).contains(interval) {
            throw .invalidField("repeat_interval_s", "must be 0 (never) or between 60 seconds and 7 days")
        }
    }

    /// These values with every unset one taken from `fallback`.
    public func filled(from fallback: RuleSettings) -> RuleSettings {
        RuleSettings(
            device: self.device,
            allowedDistanceMeters: self.allowedDistanceMeters ?? fallback.allowedDistanceMeters,
            dwellSeconds: self.dwellSeconds ?? fallback.dwellSeconds,
            lowBatteryPercent: self.lowBatteryPercent ?? fallback.lowBatteryPercent,
            silentAfterSeconds: self.silentAfterSeconds ?? fallback.silentAfterSeconds,
            repeatIntervalSeconds: self.repeatIntervalSeconds ?? fallback.repeatIntervalSeconds,
            phone: self.phone ?? fallback.phone
        )
    }

    /// Whether no value is set.
    public var isEmpty: Bool { self.filled(from: RuleSettings()) == RuleSettings(device: self.device) }
}

/// A fence an owner set: its meaning, and its shape as a GeoJSON `Feature`.
public struct FenceRecord: Sendable, Hashable {
    public var id: String
    public var account: AccountID
    /// The device it applies to; `nil` for every device of the account.
    public var device: DeviceID?
    public var name: String
    public var role: FenceRole
    /// The shape, a GeoJSON `Feature` (a circle is a `Point` with `properties.radius_m`).
    public var geoJSON: String
    public var createdAt: Date

    /// Creates a fence record.
    public init(
        id: String,
        account: AccountID,
        device: DeviceID?,
        name: String,
        role: FenceRole,
        geoJSON: String,
        createdAt: Date
    ) {
        self.id = id
        self.account = account
        self.device = device
        self.name = name
        self.role = role
        self.geoJSON = geoJSON
        self.createdAt = createdAt
    }
}

/// A weekly do-not-disturb window an owner set.
public struct QuietWindowRecord: Sendable, Hashable {
    public var id: String
    public var account: AccountID
    /// The device it applies to; `nil` for every device of the account.
    public var device: DeviceID?
    public var window: QuietWindow

    /// Creates a window record.
    public init(id: String, account: AccountID, device: DeviceID?, window: QuietWindow) {
        self.id = id
        self.account = account
        self.device = device
        self.window = window
    }
}

/// The do-not-disturb switch and snooze of one scope (the account, or one device).
public struct DoNotDisturbSwitch: Sendable, Hashable {
    public var device: DeviceID?
    /// `nil` when not set here (a device follows the account; the account defaults to on).
    public var isEnabled: Bool?
    public var snoozedUntil: Date?

    /// Creates switch settings.
    public init(device: DeviceID? = nil, isEnabled: Bool? = nil, snoozedUntil: Date? = nil) {
        self.device = device
        self.isEnabled = isEnabled
        self.snoozedUntil = snoozedUntil
    }
}

/// Who to call when a device's emergency button is pressed.
public struct EmergencyContact: Sendable, Hashable, Codable {
    public var name: String
    public var phone: String

    /// Validates a contact: a name of 1–100 characters, a phone number of 3–20 digits with an
    /// optional leading `+`, spaces, dashes, dots and parentheses.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `name` or `phone`.
    public init(name: String, phone: String) throws(TetherError) {
        let name = name.trimmingWhitespace()
        guard (1...100).contains(name.count), !name.contains(where: \.isNewline) else {
            throw .invalidField("name", "must be 1 to 100 characters on one line")
        }
        let phone = phone.trimmingWhitespace()
        let digits = phone.filter { $0.isASCII && $0.isNumber }.count
        let allowed = phone.enumerated().allSatisfy { index, character in
            (character.isASCII && character.isNumber) || " -.()".contains(character) || (index == 0 && character == "+")
        }
        guard allowed, (3...20).contains(digits) else {
            throw .invalidField("phone", "must be a phone number like +49 30 1234567")
        }
        self.name = String(name)
        self.phone = String(phone)
    }
}

/// Where an account's alerts are posted, and the secret that signs them.
public struct WebhookEndpoint: Sendable, Hashable {
    public var url: URL
    /// The HMAC-SHA256 key; shown to the owner once.
    public var secret: String
    public var createdAt: Date

    /// Creates an endpoint.
    public init(url: URL, secret: String, createdAt: Date) {
        self.url = url
        self.secret = secret
        self.createdAt = createdAt
    }

    /// Validates a webhook URL: `http` or `https` with a host, at most 2,000 characters.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `url`.
    public static func url(_ text: String) throws(TetherError) -> URL {
        guard text.count <= 2_000, let components = URLComponents(string: text),
            ["http", "https"].contains(components.scheme?.lowercased()), let host = components.host, !host.isEmpty,
            let url = components.url
        else {
            throw .invalidField("url", "must be an http or https URL")
        }
        return url
    }
}

/// Everything an owner set about alerts, read in one go.
public struct AccountAlertSettings: Sendable, Hashable {
    /// Rule values: the account's (``RuleSettings/device`` `nil`) and each device's overrides.
    public var rules: [RuleSettings]
    public var fences: [FenceRecord]
    public var quietWindows: [QuietWindowRecord]
    /// The account's switch (`device` `nil`) and each device's own.
    public var switches: [DoNotDisturbSwitch]
    public var emergencyContact: EmergencyContact?
    public var webhook: WebhookEndpoint?

    /// Creates settings; by default none are set.
    public init(
        rules: [RuleSettings] = [],
        fences: [FenceRecord] = [],
        quietWindows: [QuietWindowRecord] = [],
        switches: [DoNotDisturbSwitch] = [],
        emergencyContact: EmergencyContact? = nil,
        webhook: WebhookEndpoint? = nil
    ) {
        self.rules = rules
        self.fences = fences
        self.quietWindows = quietWindows
        self.switches = switches
        self.emergencyContact = emergencyContact
        self.webhook = webhook
    }

    /// The account-wide rule values (unset ones `nil`).
    public var accountRules: RuleSettings { self.rules.first { $0.device == nil } ?? RuleSettings() }

    /// The rule values that apply to `device`, every one filled in.
    public func effectiveRules(for device: DeviceID) -> RuleSettings {
        let own = self.rules.first { $0.device == device } ?? RuleSettings(device: device)
        var effective = own.filled(from: self.accountRules).filled(from: .defaults)
        effective.device = device
        return effective
    }

    /// The fences that apply to `device`: the account's and its own, oldest first.
    public func fences(for device: DeviceID) -> [FenceRecord] {
        self.fences.filter { $0.device == nil || $0.device == device }
    }

    /// The do-not-disturb settings that apply to `device`: the account's windows and its own;
    /// its own switch, else the account's (on by default); the later of the two snoozes.
    public func doNotDisturb(for device: DeviceID) -> DoNotDisturb {
        let account = self.switches.first { $0.device == nil }
        let own = self.switches.first { $0.device == device }
        let snoozes = [account?.snoozedUntil, own?.snoozedUntil].compactMap { $0 }
        let windows = self.quietWindows.filter { $0.device == nil || $0.device == device }
        return DoNotDisturb(
            isEnabled: own?.isEnabled ?? account?.isEnabled ?? true,
            windows: Dictionary(windows.map { ($0.id, $0.window) }, uniquingKeysWith: { first, _ in first }),
            snoozedUntil: snoozes.max()
        )
    }
}
