extension Duration {
    /// Reads a duration setting such as `90s`, `10m`, `12h`, `30d` (or `250ms`).
    ///
    /// ```swift
    /// let ttl = try Duration(setting: "10m")  // .seconds(600)
    /// ```
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming `field`.
    public init(setting text: String, field: String = "duration") throws(TetherError) {
        let trimmed = String(text.trimmingWhitespace())
        let units: [(suffix: String, seconds: Int64)] = [("ms", 0), ("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Int64(number), value >= 0, value <= 100 * 365 * 86_400 else {
                break
            }
            self = unit.seconds == 0 ? .milliseconds(value) : .seconds(value * unit.seconds)
            return
        }
        throw .invalidField(field, "must be a duration like 90s, 10m, 12h or 30d")
    }

    /// The shortest setting text that reads back as this duration (`600 s` → `10m`).
    public var settingDescription: String {
        let (seconds, attoseconds) = self.components
        if attoseconds != 0 {
            return "\(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)ms"
        }
        for (suffix, unit) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds != 0 && seconds % unit == 0
        {
            return "\(seconds / unit)\(suffix)"
        }
        return "\(seconds)s"
    }

    /// The duration in seconds as a `Double` (for `Date` arithmetic).
    public var timeInterval: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
