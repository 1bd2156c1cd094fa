/// FastCDC content-defined chunking (Xia et al., USENIX ATC 2016), with normalized chunking.
///
/// A rolling gear hash (`hash = hash << 1 + gear[byte]`) runs over the bytes after the minimum
/// size; a chunk ends where the hash's top bits are all zero under the *small* mask (before the
/// average size) or the *large* mask (after it), or at the maximum size. Because the hash only
/// remembers the last 64 bytes, an edit moves boundaries only near itself: the chunks before it
/// and, after at most a chunk or two, those after it are the same as before.
///
/// ```swift
/// let chunker = FastCDC()
/// let length = data.withUnsafeBytes { chunker.boundary(in: $0, isEnd: true) }
/// ```
public struct FastCDC: Sendable {
    /// The sizes in force.
    public let parameters: ChunkingParameters
    private let gear: [UInt64]

    /// A chunker with `parameters` (by default ``ChunkingParameters/standard``).
    public init(parameters: ChunkingParameters = .standard) {
        self.parameters = parameters
        self.gear = GearTable.values
    }

    /// The length of the chunk that starts at the beginning of `bytes`.
    ///
    /// With fewer than ``ChunkingParameters/maxSize`` bytes and `isEnd` false the answer may be
    /// "all of it" only because the data ran out: callers that stream pass at least `maxSize`
    /// bytes unless the input is at its end.
    ///
    /// - Complexity: O(n) in the chunk's length, one table load, shift and add per byte; the first
    ///   ``ChunkingParameters/minSize`` bytes are skipped.
    public func boundary(in bytes: UnsafeRawBufferPointer) -> Int {
        let count = bytes.count
        let minSize = self.parameters.minSize
        if count <= minSize { return count }
        let end = Swift.min(count, self.parameters.maxSize)
        let normal = Swift.min(end, self.parameters.averageSize)
        let smallMask = self.parameters.smallMask
        let largeMask = self.parameters.largeMask
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return count }
        return self.gear.withUnsafeBufferPointer { table in
            let gear = table.baseAddress!
            var hash: UInt64 = 0
            var index = minSize
            while index < normal {
                hash = (hash &<< 1) &+ gear[Int(base[index])]
                if hash & smallMask == 0 { return index &+ 1 }
                index &+= 1
            }
            while index < end {
                hash = (hash &<< 1) &+ gear[Int(base[index])]
                if hash & largeMask == 0 { return index &+ 1 }
                index &+= 1
            }
            return end
        }
    }

    /// The chunk lengths of `bytes` as a whole (the last chunk may be short).
    public func chunkLengths(of bytes: UnsafeRawBufferPointer) -> [Int] {
        var lengths: [Int] = []
        var offset = 0
        while offset < bytes.count {
            let length = self.boundary(in: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            lengths.append(length)
            offset += length
        }
        return lengths
    }
}
