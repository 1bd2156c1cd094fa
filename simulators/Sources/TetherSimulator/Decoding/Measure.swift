/// Reads the measures scenario files write as text: durations (`90s`, `10m`, `1h30m`, `250ms`),
/// distances (`30m`, `1.2km`, or a bare number of metres) and speeds (`1.4` m/s, `5km/h`).
public enum Measure {
    /// Milliseconds in `text`, a sum of `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`.
    ///
    /// ```swift
    /// Measure.milliseconds("1h30m")  // 5_400_000
    /// ```
    public static func milliseconds(_ text: String) -> Int64? {
        let units: [(suffix: String, milliseconds: Double)] = [
            ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        var rest = Substring(text.filter { $0 != " " })
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            // `ms` before `m`: the longest unit that matches.
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) && !self.continuesUnit(rest, $0.suffix) })
            else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.milliseconds
        }
        guard total.isFinite, total <= 100 * 365 * 86_400_000 else { return nil }
        return Int64(total.rounded())
    }

    /// Metres in `text`: `30m`, `1.5km`, or a bare number; negative only when `allowNegative`.
    public static func meters(_ text: String, allowNegative: Bool = false) -> Double? {
        var body = Substring(text.filter { $0 != " " })
        var sign = 1.0
        if body.hasPrefix("-") {
            guard allowNegative else { return nil }
            sign = -1
            body = body.dropFirst()
        }
        var scale = 1.0
        if body.hasSuffix("km") {
            scale = 1_000
            body = body.dropLast(2)
        } else if body.hasSuffix("m") {
            body = body.dropLast()
        }
        guard let value = Double(body), value.isFinite, value >= 0 else { return nil }
        return sign * value * scale
    }

    /// Metres per second in `text`: `1.4`, `1.4m/s`, `5km/h`.
    public static func metersPerSecond(_ text: String) -> Double? {
        var body = Substring(text.filter { $0 != " " })
        var scale = 1.0
        if body.hasSuffix("km/h") {
            scale = 1 / 3.6
            body = body.dropLast(4)
        } else if body.hasSuffix("m/s") {
            body = body.dropLast(3)
        }
        guard let value = Double(body), value.isFinite, value > 0 else { return nil }
        return value * scale
    }

    /// Whether the unit `suffix` at the start of `rest` is really the start of a longer unit (`m` of `ms`).
    private static func continuesUnit(_ rest: Substring, _ suffix: String) -> Bool {
        suffix == "m" && rest.hasPrefix("ms")
    }
}
