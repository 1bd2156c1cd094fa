public import Foundation

/// A raised alert as stored and shown: one per episode, per device, per rule.
public struct Alert: Sendable, Hashable {
    public var id: AlertID
    public var device: DeviceID
    public var account: AccountID
    public var kind: AlertKind
    /// The rule that raised it: `anti_lost`, `keep_in:<fence id>`, `low_battery`, ….
    public var rule: String
    /// Device time (milliseconds) at which the episode began.
    public var episodeStart: Int64
    /// Device time of the observation that decided it (the alert's `ts`).
    public var decidedAt: Int64
    /// Why, for a person.
    public var reason: String
    /// The fixes the decision used.
    public var fixes: [AlertFix]
    /// What silenced it, if anything (`dnd:<id>`, `snooze`, `safe:<fence id>`).
    public var suppressedBy: String?
    /// Device time at which the episode ended, if it has.
    public var endedAt: Int64?
    /// When the owner acknowledged it, if they have.
    public var acknowledgedAt: Date?
    /// How many times it was repeated to the owner.
    public var repeatCount: Int
    /// When the owner was last told, on the server's alert clock (milliseconds); repeats count from it.
    public var notifiedAt: Int64?
    /// When the server recorded it.
    public var createdAt: Date

    /// Creates an alert value.
    public init(
        id: AlertID = .random(),
        device: DeviceID,
        account: AccountID,
        kind: AlertKind,
        rule: String,
        episodeStart: Int64,
        decidedAt: Int64,
        reason: String,
        fixes: [AlertFix] = [],
        suppressedBy: String? = nil,
        endedAt: Int64? = nil,
        acknowledgedAt: Date? = nil,
        repeatCount: Int = 0,
        notifiedAt: Int64? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.device = device
        self.account = account
        self.kind = kind
        self.rule = rule
        self.episodeStart = episodeStart
        self.decidedAt = decidedAt
        self.reason = reason
        self.fixes = fixes
        self.suppressedBy = suppressedBy
        self.endedAt = endedAt
        self.acknowledgedAt = acknowledgedAt
        self.repeatCount = repeatCount
        self.notifiedAt = notifiedAt
        self.createdAt = createdAt
    }

    /// Whether the owner was told (not silenced).
    public var isSuppressed: Bool { self.suppressedBy != nil }
}

/// A fix an alert's decision used.
public struct AlertFix: Sendable, Hashable, Codable {
    /// Whose fix: `device` or `phone`.
    public var source: String
    /// Device time in milliseconds.
    public var time: Int64
    public var latitude: Double
    public var longitude: Double
    public var accuracyMeters: Double

    /// Creates a fix record.
    public init(source: String, time: Int64, latitude: Double, longitude: Double, accuracyMeters: Double) {
        self.source = source
        self.time = time
        self.latitude = latitude
        self.longitude = longitude
        self.accuracyMeters = accuracyMeters
    }

    enum CodingKeys: String, CodingKey {
        case source
        case time = "ts_ms"
        case latitude = "lat"
        case longitude = "lon"
        case accuracyMeters = "accuracy_m"
    }
}

/// Identifies an ``Alert``.
public typealias AlertID = Identifier<Alert>
