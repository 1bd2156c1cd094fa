/// Any key of a JSON object, to find the keys a type does not know.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        self.stringValue = string
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Decoder {
    /// Refuses keys that `keys` does not list, so a misspelt field is an error rather than a
    /// silently ignored one.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        try self.rejectUnknownKeys(keys.allCases.map(\.stringValue))
    }

    /// Refuses keys that are not in `known`.
    func rejectUnknownKeys(_ known: [String]) throws {
        let known = Set(known)
        let container = try self.container(keyedBy: AnyKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorruptedError(
                forKey: AnyKey(unknown),
                in: container,
                debugDescription: "unknown field (known: \(known.sorted().joined(separator: ", ")))"
            )
        }
    }
}

extension KeyedDecodingContainer {
    /// A duration like `90s` or `1h30m`, in milliseconds.
    func duration(_ key: Key) throws -> Int64 {
        let text = try self.decode(String.self, forKey: key)
        guard let value = Measure.milliseconds(text) else {
            throw self.invalid(key, "must be a duration like 90s, 10m, 1h30m or 250ms, not '\(text)'")
        }
        return value
    }

    /// ``duration(_:)`` when the key is present.
    func durationIfPresent(_ key: Key) throws -> Int64? {
        try self.contains(key) ? self.duration(key) : nil
    }

    /// A distance like `30m`, `1.2km` or a number of metres.
    func distanceIfPresent(_ key: Key, allowNegative: Bool = false) throws -> Double? {
        guard self.contains(key) else { return nil }
        if let number = try? self.decode(Double.self, forKey: key) {
            guard number.isFinite, allowNegative || number >= 0 else { throw self.invalid(key, "must not be negative") }
            return number
        }
        let text = try self.decode(String.self, forKey: key)
        guard let value = Measure.meters(text, allowNegative: allowNegative) else {
            throw self.invalid(key, "must be a distance like 30m, 1.2km or a number of metres, not '\(text)'")
        }
        return value
    }

    /// A speed in metres per second: a number, `1.4m/s` or `5km/h`.
    func speed(_ key: Key) throws -> Double {
        if let number = try? self.decode(Double.self, forKey: key) {
            guard number.isFinite, number > 0 else { throw self.invalid(key, "must be more than 0 m/s") }
            return number
        }
        let text = try self.decode(String.self, forKey: key)
        guard let value = Measure.metersPerSecond(text) else {
            throw self.invalid(key, "must be a speed like 1.4 (m/s), 1.4m/s or 5km/h, not '\(text)'")
        }
        return value
    }

    /// One of `choices` (a closed set of strings), with an error that lists them.
    func choice<Value>(_ key: Key, _ choices: [String: Value]) throws -> Value {
        let text = try self.decode(String.self, forKey: key)
        guard let value = choices[text] else {
            throw self.invalid(key, "'\(text)' is not one of \(choices.keys.sorted().joined(separator: ", "))")
        }
        return value
    }

    /// An integer within `range`.
    func integer(_ key: Key, in range: ClosedRange<Int>) throws -> Int {
        let value = try self.decode(Int.self, forKey: key)
        guard range.contains(value) else {
            throw self.invalid(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A decoding error at `key` that says what is wrong.
    func invalid(_ key: Key, _ problem: String) -> DecodingError {
        DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: problem)
    }
}
