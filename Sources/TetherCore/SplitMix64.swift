/// SplitMix64: a small, fast, seeded random number generator, so synthetic data (benchmark
/// fleets, simulated tracks, test fixtures) is the same on every run of one seed.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let bearing = Double.random(in: 0..<360, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that starts from `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in `range`, from the top 53 bits of one draw.
    public mutating func next(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(self.next() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }
}
