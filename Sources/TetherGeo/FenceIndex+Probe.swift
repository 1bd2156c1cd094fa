extension FenceIndex {
    /// The index's flat arrays as unsafe buffers, with the last cell looked up on each level, for
    /// a run of queries: points in spatial order often fall in the cell of the point before, and
    /// then skip the hash lookup. Valid only inside ``FenceIndex/withProbe(_:)``.
    struct Probe {
        let index: FenceIndex
        let levels: UnsafeBufferPointer<Level>
        let slots: UnsafeBufferPointer<CellTable.Slot>
        let boxes: UnsafeBufferPointer<CellBox>
        let entries: UnsafeBufferPointer<Entry>
        let words: UnsafeBufferPointer<UInt64>
        /// By level: the key last looked up, and the range of its entries.
        let lastKeys: UnsafeMutableBufferPointer<Int64>
        let lastRanges: UnsafeMutableBufferPointer<Range<Int>>

        /// Calls `body` with every fence that holds the position, each once.
        @inline(__always)
        func visitContaining(latitude: Double, longitude: Double, _ body: (Int) -> Void) {
            guard latitude >= -90, latitude <= 90, longitude >= -180, longitude <= 180 else { return }  // NaN fails too
            guard abs(longitude) == 180 else {
                self.visitCells(latitude: latitude, longitude: longitude, body)
                return
            }
            // ±180° is one meridian: a fence may reach it from either side; report each fence once.
            var found = Set<Int>()
            self.visitCells(latitude: latitude, longitude: 180) { found.insert($0) }
            self.visitCells(latitude: latitude, longitude: -180) { found.insert($0) }
            for fence in found.sorted() { body(fence) }
        }

        @inline(__always)
        func visitCells(latitude: Double, longitude: Double, _ body: (Int) -> Void) {
            for level in self.levels.indices {
                self.visitCell(latitude: latitude, longitude: longitude, level: level, body)
            }
        }

        /// The fences of the point's cell on one level that hold it: the cell's boxes first, then
        /// each remaining entry's raster cell, then, in a boundary cell, the exact test.
        @inline(__always)
        func visitCell(latitude: Double, longitude: Double, level levelIndex: Int, _ body: (Int) -> Void) {
            let level = self.levels[levelIndex]
            let row = FenceIndex.cell(latitude, level.inverseCellSize)
            let column = FenceIndex.cell(longitude, level.inverseCellSize)
            let key = FenceIndex.key(row: row, column: column)
            let range: Range<Int>
            if self.lastKeys[levelIndex] == key {
                range = self.lastRanges[levelIndex]
            } else {
                let table = UnsafeBufferPointer(
                    rebasing: self.slots[level.slotStart...(level.slotStart + level.slotMask)]
                )
                range = CellTable.lookup(key, in: table, mask: level.slotMask)
                self.lastKeys[levelIndex] = key
                self.lastRanges[levelIndex] = range
            }
            if range.isEmpty { return }
            let y = FenceIndex.fraction(latitude, level.inverseCellSize, row)
            let x = FenceIndex.fraction(longitude, level.inverseCellSize, column)
            for slot in range {
                let box = self.boxes[slot]
                guard y >= box.south, y <= box.north, x >= box.west, x <= box.east else { continue }
                let entry = self.entries[slot]
                guard latitude >= entry.minLatitude, latitude <= entry.maxLatitude,
                    longitude >= entry.minLongitude, longitude <= entry.maxLongitude
                else { continue }
                let fence = Int(entry.fence)
                if entry.rasterWord >= 0 {
                    // The box holds the point, so the row and column are within the raster.
                    let row = Int((latitude - entry.minLatitude) * entry.latitudeScale)
                    let column = Int((longitude - entry.minLongitude) * entry.longitudeScale)
                    let cell = row &* Int(entry.rasterStride) &+ column
                    switch FenceRaster.cellClass(in: self.words, from: Int(entry.rasterWord), cell: cell) {
                    case .inside:
                        body(fence)
                        continue
                    case .outside: continue
                    case .boundary: break
                    }
                }
                if self.index.shapeContains(fence, latitude: latitude, longitude: longitude) { body(fence) }
            }
        }
    }

    /// Runs `body` with a ``Probe`` over this index.
    @inline(__always)
    func withProbe<Result>(_ body: (Probe) -> Result) -> Result {
        self.levels.withUnsafeBufferPointer { levels in
            self.slots.withUnsafeBufferPointer { slots in
                self.boxes.withUnsafeBufferPointer { boxes in
                    self.entries.withUnsafeBufferPointer { entries in
                        self.rasterWords.withUnsafeBufferPointer { words in
                            withUnsafeTemporaryAllocation(of: Int64.self, capacity: levels.count) { lastKeys in
                                withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: levels.count) {
                                    lastRanges in
                                    // No real key is Int64.min (rows stay far from −2³¹).
                                    lastKeys.initialize(repeating: .min)
                                    lastRanges.initialize(repeating: 0..<0)
                                    return body(
                                        Probe(
                                            index: self,
                                            levels: levels,
                                            slots: slots,
                                            boxes: boxes,
                                            entries: entries,
                                            words: words,
                                            lastKeys: lastKeys,
                                            lastRanges: lastRanges
                                        )
                                    )
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
