import TetherCore
public import TetherGeo

/// A seeded random walk: equal steps in random directions, turned back toward the centre when a
/// step would leave the allowed radius.
public enum RandomWalk {
    /// `steps + 1` positions starting at `center`.
    public static func points(
        from center: Coordinate,
        steps: Int,
        step: Double,
        radius: Double,
        random: inout SplitMix64Source
    ) -> [Coordinate] {
        var points = [center]
        var here = center
        for _ in 0..<steps {
            var bearing = random.next(in: 0...360)
            var next = Earth.destination(from: here, bearing: bearing, distance: step)
            if Earth.distance(next, center) > radius {
                // Back toward the centre, within a quarter turn either way.
                bearing = Earth.bearing(from: here, to: center) + random.next(in: -45...45)
                next = Earth.destination(
                    from: here,
                    bearing: bearing,
                    distance: min(step, Earth.distance(here, center))
                )
            }
            points.append(next)
            here = next
        }
        return points
    }
}

/// The simulator's seeded random source: TetherCore's SplitMix64, with a seed mixed from names.
public struct SplitMix64Source: Sendable {
    private var generator: SplitMix64

    /// A source for `seed`.
    public init(seed: UInt64) {
        self.generator = SplitMix64(seed: seed)
    }

    /// A source for `seed` mixed with `label` (a device's name), stable across runs and platforms.
    public init(seed: UInt64, label: String) {
        self.init(seed: seed ^ StableHash.fnv1a(label))
    }

    /// A uniform double in `range`.
    public mutating func next(in range: ClosedRange<Double>) -> Double {
        self.generator.next(in: range)
    }

    /// A uniform integer below `bound`.
    public mutating func next(below bound: Int) -> Int {
        Int(self.generator.next() % UInt64(max(1, bound)))
    }
}

/// FNV-1a, a hash that is the same in every process (Swift's `Hasher` is seeded per process).
public enum StableHash {
    /// The 64-bit FNV-1a hash of `text`'s UTF-8 bytes.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
