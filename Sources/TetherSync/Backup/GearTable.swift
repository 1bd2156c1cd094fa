import TetherCore

/// The 256 random 64-bit values of the gear hash, one per byte value.
///
/// They come from ``SplitMix64`` with a fixed seed, so every client and server cuts the same
/// bytes at the same places; changing the seed would change every chunk boundary (and so
/// deduplication against existing backups), which is why it is part of the format.
enum GearTable {
    /// The seed: the ASCII bytes of "tethercd".
    static let seed: UInt64 = 0x7465_7468_6572_6364

    /// The table.
    static let values: [UInt64] = {
        var random = SplitMix64(seed: seed)
        return (0..<256).map { _ in random.next() }
    }()
}
