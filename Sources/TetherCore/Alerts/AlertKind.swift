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
}
