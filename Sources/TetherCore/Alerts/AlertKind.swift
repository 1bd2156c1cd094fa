/// The kinds of alert, by their stable wire names.
public enum AlertKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The device is too far from its owner's phone.
    case antiLost = "anti_lost"
    /// The device left a fence it must stay in.
    case keepIn = "keep_in"
    /// The device entered a fence it must stay out of.
    case keepOut = "keep_out"
    /// The device's emergency button; never suppressed.
    case sos
    /// The device's battery is low.
    case lowBattery = "low_battery"
    /// The device has sent nothing for too long.
    case silent

    /// Whether do-not-disturb may silence this kind. Emergencies are never silenced.
    public var isSilenceable: Bool { self != .sos }

    /// Whether an open alert of this kind is told again until acknowledged: a device lost or
    /// out of its fence. An SOS, a low battery or a silent device is told once.
    public var isRepeatable: Bool {
        switch self {
        case .antiLost, .keepIn, .keepOut: true
        case .sos, .lowBattery, .silent: false
        }
    }

    /// Whether a rule of this kind has at most one open alert at a time: a second decision while
    /// one is open is the same episode decided again. Each SOS press is its own alert.
    public var hasOneOpenEpisodePerRule: Bool { self != .sos }

    /// The kinds that repeat until acknowledged (``isRepeatable``).
    public static var repeatable: [AlertKind] { Self.allCases.filter(\.isRepeatable) }

    /// The kinds do-not-disturb may silence (``isSilenceable``).
    public static var silenceable: [AlertKind] { Self.allCases.filter(\.isSilenceable) }
}
