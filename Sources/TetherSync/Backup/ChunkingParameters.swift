/// The sizes FastCDC cuts chunks to.
///
/// The defaults (``standard``) are min 64 KiB, average 256 KiB, max 1 MiB: large enough that a
/// 1 GiB tree is about 4,000 chunks (one id and one upload each), small enough that a 64-byte
/// edit re-sends about a quarter of a megabyte. Normalized chunking (two masks, see ``FastCDC``)
/// keeps most chunks between 128 KiB and 512 KiB; the measured mean on random data is in the
/// chunker's tests and the README.
public struct ChunkingParameters: Sendable, Hashable {
    /// No chunk is shorter, except the last of a file.
    public let minSize: Int
    /// The size the masks aim at (a power of two).
    public let averageSize: Int
    /// No chunk is longer; a boundary is forced here.
    public let maxSize: Int

    /// The mask used before the average size: two bits more than the average asks for, so a cut
    /// is four times less likely (FastCDC's normalization level 2).
    let smallMask: UInt64
    /// The mask used after the average size: two bits fewer, so a cut is four times more likely.
    let largeMask: UInt64

    /// Chunk sizes; `averageSize` must be a power of two with `minSize < averageSize < maxSize`.
    public init(minSize: Int, averageSize: Int, maxSize: Int) {
        precondition(averageSize.nonzeroBitCount == 1, "averageSize must be a power of two")
        precondition(0 < minSize && minSize < averageSize && averageSize < maxSize, "min < average < max")
        self.minSize = minSize
        self.averageSize = averageSize
        self.maxSize = maxSize
        let bits = averageSize.trailingZeroBitCount
        // The high bits of a gear hash depend on the last 64 bytes; the low ones on the last few.
        self.smallMask = ~UInt64(0) << UInt64(64 - (bits + 2))
        self.largeMask = ~UInt64(0) << UInt64(64 - (bits - 2))
    }

    /// Tether's sizes: min 64 KiB, average 256 KiB, max 1 MiB.
    public static let standard = ChunkingParameters(minSize: 64 << 10, averageSize: 256 << 10, maxSize: 1 << 20)
}
