/// Orders points by a coarse grid cell (rows of 1/64° cells, about 1.7 km), with a two-pass LSD
/// radix sort: O(n), a few milliseconds for a million points.
enum SpatialOrder {
    /// The point indices in cell order (stable within a cell).
    ///
    /// - Complexity: O(*n*).
    static func sorted(latitudes: UnsafeBufferPointer<Double>, longitudes: UnsafeBufferPointer<Double>) -> [UInt32] {
        let count = latitudes.count
        var keys = [UInt32](repeating: 0, count: count)
        for point in 0..<count {
            let row = UInt32(max(0, min(16_383, (latitudes[point] + 90) * 64)))
            let column = UInt32(max(0, min(32_767, (longitudes[point] + 180) * 64)))
            keys[point] = (row << 15) | column
        }
        var order = [UInt32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for point in 0..<count { buffer[point] = UInt32(point) }
            initialized = count
        }
        var scratch = [UInt32](repeating: 0, count: count)
        for shift in [UInt32(0), 15] {
            var counts = [Int](repeating: 0, count: 1 << 15 + 1)
            for point in order { counts[Int((keys[Int(point)] >> shift) & 0x7FFF) + 1] += 1 }
            for digit in 0..<(1 << 15) { counts[digit + 1] += counts[digit] }
            for point in order {
                let digit = Int((keys[Int(point)] >> shift) & 0x7FFF)
                scratch[counts[digit]] = point
                counts[digit] += 1
            }
            swap(&order, &scratch)
        }
        return order
    }
}
