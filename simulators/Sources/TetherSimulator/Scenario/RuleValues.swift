/// Alert rule values as `tether rules set` takes them, account-wide or for one device; absent
/// values stay as the server has them.
public struct RuleValues: Sendable, Hashable, Decodable {
    /// Allowed distance from the owner's phone, in metres.
    public var distance: Double?
    /// Dwell time in seconds.
    public var dwellSeconds: Int?
    /// Low-battery threshold in percent.
    public var lowBattery: Int?
    /// Silence time in seconds.
    public var silentAfterSeconds: Int?
    /// Repeat interval in seconds; `0` is `off`.
    public var repeatSeconds: Int?
    /// The name of the phone to measure against.
    public var phone: String?

    /// Values with nothing set.
    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case distance, dwell
        case repeatInterval = "repeat"
        case silentAfter = "silent_after"
        case lowBattery = "low_battery"
        case phone
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.distance = try container.distanceIfPresent(.distance)
        self.dwellSeconds = try container.durationIfPresent(.dwell).map { Int($0 / 1_000) }
        self.silentAfterSeconds = try container.durationIfPresent(.silentAfter).map { Int($0 / 1_000) }
        if container.contains(.repeatInterval) {
            let text = try container.decode(String.self, forKey: .repeatInterval)
            if text == "off" {
                self.repeatSeconds = 0
            } else {
                self.repeatSeconds = Int(try container.duration(.repeatInterval) / 1_000)
            }
        }
        if container.contains(.lowBattery) {
            self.lowBattery = try container.integer(.lowBattery, in: 0...100)
        }
        self.phone = try container.decodeIfPresent(String.self, forKey: .phone)
    }
}
