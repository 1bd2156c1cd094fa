/// An open-addressing hash table from grid cell keys to ranges of a CSR entry array; a flat,
/// allocation-free lookup for the hot path of ``FenceIndex``.
struct CellTable: Sendable {
    private static let empty = Int64.min
    private var keys: [Int64]
    private var starts: [Int32]
    private var counts: [Int32]
    private let mask: Int

    /// A table with room for `cellCount` cells at a load factor of at most one half.
    init(cellCount: Int) {
        var capacity = 16
        while capacity < cellCount * 2 { capacity <<= 1 }
        self.keys = [Int64](repeating: Self.empty, count: capacity)
        self.starts = [Int32](repeating: 0, count: capacity)
        self.counts = [Int32](repeating: 0, count: capacity)
        self.mask = capacity - 1
    }

    @inline(__always)
    private static func hash(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 17)
    }

    /// Records that `key`'s entries are `start ..< start + count`.
    mutating func insert(key: Int64, start: Int32, count: Int32) {
        var slot = Self.hash(key) & self.mask
        while self.keys[slot] != Self.empty && self.keys[slot] != key {
            slot = (slot + 1) & self.mask
        }
        self.keys[slot] = key
        self.starts[slot] = start
        self.counts[slot] = count
    }

    /// The range of `key`'s entries (empty when the cell holds none).
    @inline(__always)
    func lookup(_ key: Int64) -> Range<Int> {
        self.keys.withUnsafeBufferPointer { keys in
            var slot = Self.hash(key) & self.mask
            while true {
                let stored = keys[slot]
                if stored == key {
                    let start = Int(self.starts[slot])
                    return start..<(start + Int(self.counts[slot]))
                }
                if stored == Self.empty { return 0..<0 }
                slot = (slot + 1) & self.mask
            }
        }
    }
}
