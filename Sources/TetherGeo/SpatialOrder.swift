/// Orders a batch of points so that consecutive points are near each other, and copies them,
/// with their index, into that order: a batch query then reads its points front to back while
/// neighbouring points reuse the index's cells, entries and rasters already in cache.
enum SpatialOrder {
    /// A point and where it came from.
    struct Point {
        var latitude: Double
        var longitude: Double
        var index: Int
    }

    /// Cells per degree of ``zOrdered(latitudes:longitudes:)``.
    static let resolution = 128.0

    /// The points grouped by cells of 1/64° (about 1.7 km), in index order within a cell, with
    /// one counting-sort pass over a 16-bit hash of the cell: cheaper than ``zOrdered(latitudes:longitudes:)``,
    /// but the groups follow one another in no spatial order. Two cells may share a hash; their
    /// points then mix, which costs some locality and nothing else.
    ///
    /// - Complexity: O(*n*).
    static func grouped(latitudes: UnsafeBufferPointer<Double>, longitudes: UnsafeBufferPointer<Double>) -> [Point] {
        let count = latitudes.count
        let bucketCount = 1 << 16
        var buckets = [UInt16](repeating: 0, count: count)
        var starts = [Int](repeating: 0, count: bucketCount + 1)
        buckets.withUnsafeMutableBufferPointer { buckets in
            starts.withUnsafeMutableBufferPointer { starts in
                for point in 0..<count {
                    // Clamped first, so a stray value cannot trap the conversion.
                    let row = UInt64(max(0, min(16_383, (latitudes[point] + 90) * 64)))
                    let column = UInt64(max(0, min(32_767, (longitudes[point] + 180) * 64)))
                    let bucket = UInt16(truncatingIfNeeded: (((row << 15) | column) &* 0x9E37_79B9_7F4A_7C15) >> 48)
                    buckets[point] = bucket
                    starts[Int(bucket) + 1] += 1
                }
                for bucket in 0..<bucketCount { starts[bucket + 1] += starts[bucket] }
            }
        }
        return [Point](unsafeUninitializedCapacity: count) { grouped, initialized in
            buckets.withUnsafeBufferPointer { buckets in
                starts.withUnsafeMutableBufferPointer { next in
                    for point in 0..<count {
                        let bucket = Int(buckets[point])
                        (grouped.baseAddress! + next[bucket]).initialize(
                            to: Point(latitude: latitudes[point], longitude: longitudes[point], index: point)
                        )
                        next[bucket] += 1
                    }
                }
            }
            initialized = count
        }
    }

    /// The points in Z-order (Morton order) of a grid of 1/128° cells (about 870 m), in index
    /// order within a cell: consecutive cells are neighbours too. An LSD radix sort of 32-bit
    /// keys in three passes of at most 11 bits.
    ///
    /// - Complexity: O(*n*).
    static func zOrdered(latitudes: UnsafeBufferPointer<Double>, longitudes: UnsafeBufferPointer<Double>) -> [Point] {
        let count = latitudes.count
        // Key in the high half, point index in the low half: sorting by key keeps index order within a key.
        var items = [UInt64](unsafeUninitializedCapacity: count) { items, initialized in
            for point in 0..<count {
                // Clamped first, so a stray value cannot trap the conversion.
                let row = UInt32(max(0, min(23_039, (latitudes[point] + 90) * Self.resolution)))
                let column = UInt32(max(0, min(46_079, (longitudes[point] + 180) * Self.resolution)))
                items[point] = UInt64(Self.interleave(row, column)) << 32 | UInt64(point)
            }
            initialized = count
        }
        var scratch = [UInt64](repeating: 0, count: count)
        for (shift, bits) in [(32, 11), (43, 11), (54, 10)] {
            Self.countingSortPass(&items, into: &scratch, shift: UInt64(shift), bits: bits)
            swap(&items, &scratch)
        }
        return [Point](unsafeUninitializedCapacity: count) { grouped, initialized in
            items.withUnsafeBufferPointer { items in
                for (position, item) in items.enumerated() {
                    let point = Int(truncatingIfNeeded: item & 0xFFFF_FFFF)
                    grouped[position] = Point(latitude: latitudes[point], longitude: longitudes[point], index: point)
                }
            }
            initialized = count
        }
    }

    /// One stable pass: `items` ordered by their `bits` bits from `shift`, written to `output`.
    private static func countingSortPass(_ items: inout [UInt64], into output: inout [UInt64], shift: UInt64, bits: Int)
    {
        let mask = UInt64(1 << bits - 1)
        var starts = [Int](repeating: 0, count: (1 << bits) + 1)
        items.withUnsafeBufferPointer { items in
            output.withUnsafeMutableBufferPointer { output in
                starts.withUnsafeMutableBufferPointer { starts in
                    for item in items { starts[Int((item >> shift) & mask) + 1] += 1 }
                    for digit in 0..<(1 << bits) { starts[digit + 1] += starts[digit] }
                    for item in items {
                        let digit = Int((item >> shift) & mask)
                        output[starts[digit]] = item
                        starts[digit] += 1
                    }
                }
            }
        }
    }

    /// The Morton code of (row, column), 16 bits each: their bits interleaved.
    @inline(__always)
    static func interleave(_ row: UInt32, _ column: UInt32) -> UInt32 {
        func spread(_ value: UInt32) -> UInt32 {
            var value = value & 0xFFFF
            value = (value | (value << 8)) & 0x00FF_00FF
            value = (value | (value << 4)) & 0x0F0F_0F0F
            value = (value | (value << 2)) & 0x3333_3333
            value = (value | (value << 1)) & 0x5555_5555
            return value
        }
        return spread(row) << 1 | spread(column)
    }
}
