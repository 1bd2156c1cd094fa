extension Measure {
    /// Bytes in `text`: `512`, `64KiB`, `1.5MiB`, `2GiB` (powers of 1024; `KB`, `MB` and `GB`
    /// are read the same way, as a phone's file manager shows them).
    ///
    /// ```swift
    /// Measure.bytes("1.5MiB")  // 1_572_864
    /// ```
    public static func bytes(_ text: String) -> Int? {
        var body = Substring(text.filter { $0 != " " })
        var scale = 1.0
        for (suffixes, factor) in [(["GiB", "GB"], 1 << 30), (["MiB", "MB"], 1 << 20), (["KiB", "KB"], 1 << 10)] {
            if let suffix = suffixes.first(where: { body.hasSuffix($0) }) {
                scale = Double(factor)
                body = body.dropLast(suffix.count)
                break
            }
        }
        if scale == 1, body.hasSuffix("B") { body = body.dropLast() }
        guard let value = Double(body), value.isFinite, value >= 0, value * scale <= Double(1 << 40) else { return nil }
        return Int((value * scale).rounded())
    }

    /// The fraction in a percentage like `40%` (0.4), strictly between 0 and 100 %.
    public static func fraction(_ text: String) -> Double? {
        let body = text.filter { $0 != " " }
        guard body.hasSuffix("%"), let value = Double(body.dropLast()), value > 0, value < 100 else { return nil }
        return value / 100
    }
}

extension KeyedDecodingContainer {
    /// A size like `64KiB`, `1.5MiB` or a number of bytes, at least `minimum`.
    func byteSize(_ key: Key, minimum: Int = 0) throws -> Int {
        if let number = try? self.decode(Int.self, forKey: key) {
            guard number >= minimum else { throw self.invalid(key, "must be at least \(minimum) bytes") }
            return number
        }
        let text = try self.decode(String.self, forKey: key)
        guard let value = Measure.bytes(text) else {
            throw self.invalid(key, "must be a size like 64KiB, 1.5MiB or a number of bytes, not '\(text)'")
        }
        guard value >= minimum else { throw self.invalid(key, "must be at least \(minimum) bytes") }
        return value
    }
}
