/// An open-addressing hash table from grid cell keys to ranges of a CSR entry array; a flat,
/// allocation-free lookup for the hot path of ``FenceIndex``. Key, start and count share one
/// 16-byte slot, so a probe touches one cache line.
struct CellTable: Sendable {
    struct Slot: Sendable {
        var key: Int64
        var start: Int32
        var count: Int32
    }

    static let empty = Int64.min
    /// The slots, for ``lookup(_:in:)`` over several tables stored one after another.
    private(set) var slots: [Slot]
    let mask: Int

    /// A table with room for `cellCount` cells at a load factor of at most one half.
    init(cellCount: Int) {
        var capacity = 16
        while capacity < cellCount * 2 { capacity <<= 1 }
        self.slots = [Slot](repeating: Slot(key: Self.empty, start: 0, count: 0), count: capacity)
        self.mask = capacity - 1
    }

    @inline(__always)
    private static func hash(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 17)
    }

    /// The table's size in memory.
    var byteCount: Int { self.slots.count * MemoryLayout<Slot>.stride }

    /// Records that `key`'s entries are `start ..< start + count`.
    mutating func insert(key: Int64, start: Int32, count: Int32) {
        var slot = Self.hash(key) & self.mask
        while self.slots[slot].key != Self.empty && self.slots[slot].key != key {
            slot = (slot + 1) & self.mask
        }
        self.slots[slot] = Slot(key: key, start: start, count: count)
    }

    /// The range of `key`'s entries (empty when the cell holds none).
    @inline(__always)
    func lookup(_ key: Int64) -> Range<Int> {
        self.slots.withUnsafeBufferPointer { slots in
            Self.lookup(key, in: UnsafeBufferPointer(rebasing: slots[...]), mask: self.mask)
        }
    }

    /// The range of `key`'s entries in a table's `slots` (empty when the cell holds none).
    @inline(__always)
    static func lookup(_ key: Int64, in slots: UnsafeBufferPointer<Slot>, mask: Int) -> Range<Int> {
        var index = Self.hash(key) & mask
        while true {
            let slot = slots[index]
            if slot.key == key {
                return Int(slot.start)..<(Int(slot.start) + Int(slot.count))
            }
            if slot.key == Self.empty { return 0..<0 }
            index = (index + 1) & mask
        }
    }
}
