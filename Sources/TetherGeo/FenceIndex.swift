/// A spatial index over many fences for batch queries: which fences contain each point, and
/// which fences lie within a distance of a point.
///
/// It is a multi-level hash grid: each fence is entered in the cells of the finest level whose
/// cells are at least a seventh of its size, so it sits in at most 8 × 8 cells (levels grow 16×;
/// measured against 4×/5 and 12×/12 on the shared workloads, this was fastest); a query looks up
/// the point's cell on each level in use, filters candidates by box, then tests them exactly
/// (haversine for circles, the prepared polygon for polygons). Points that are not finite
/// positions match nothing; a point on ±180° is looked up on both sides of the antimeridian.
///
/// ```swift
/// let index = FenceIndex(fences: geometries)
/// index.forEachContainment(latitudes: lats, longitudes: lons) { point, fence in … }
/// ```
public struct FenceIndex: Sendable {
    /// A fence part in a cell: the part's box, which must hold a point, and where the part's
    /// classified cells (``FenceRaster``) are in ``rasterWords``.
    struct Entry: Sendable {
        var minLatitude: Double
        var maxLatitude: Double
        var minLongitude: Double
        var maxLongitude: Double
        /// The raster's cells per degree.
        var latitudeScale: Double
        var longitudeScale: Double
        var fence: Int32
        /// The raster's first word, or −1 when the point is tested exactly (two parts of one
        /// fence in the same cell).
        var rasterWord: Int32
        /// The raster's cells per row.
        var rasterStride: Int32
    }

    /// An entry's box within its cell, in 1/65,536ths of the cell, rounded outwards: eight bytes
    /// a query scans before it reads the entry itself.
    struct CellBox: Sendable {
        var south: UInt16
        var north: UInt16
        var west: UInt16
        var east: UInt16
    }

    /// One level of the grid; its table and entries are ranges of the index's flat arrays, so a
    /// query touches no reference-counted storage per level.
    struct Level: Sendable {
        let cellSize: Double
        let inverseCellSize: Double
        /// The level's hash table is `slots[slotStart ... slotStart + slotMask]`.
        let slotStart: Int
        let slotMask: Int
        /// The level's entries in ``FenceIndex/entries`` and ``FenceIndex/boxes``.
        let entryRange: Range<Int>
    }

    let shapes: [PreparedFence.Shape]
    /// Hot-path copies of ``shapes``: circle centre and radius by fence (radius < 0 for polygon
    /// fences), and for polygon fences the range of their parts in ``polygons``.
    let circleLatitudes: [Double]
    let circleLongitudes: [Double]
    let circleRadii: [Double]
    let polygonStarts: [Int32]
    let polygons: [PreparedPolygon]
    /// Every fence part's classified cells, two bits each, one raster after another.
    let rasterWords: [UInt64]
    let levels: [Level]
    /// Every level's hash table, one after another: cell key to a range of ``entries``.
    let slots: [CellTable.Slot]
    /// Parallel arrays: every cell's entries, and their boxes within the cell.
    let boxes: [CellBox]
    let entries: [Entry]
    /// About how many bytes a query may touch: entries, cell tables, rasters and polygon edges.
    let footprintBytes: Int

    /// The number of fences.
    public var count: Int { self.shapes.count }

    /// About how many bytes the index holds: cell tables, entries, classified cells and polygons.
    public var memoryFootprint: Int { self.footprintBytes }

    /// The most cells a fence spans per axis on its level.
    static let maximumSpan = 8
    /// Each level's cells are this many times larger than the previous level's.
    static let levelRatio = 16.0
    static let levelCount = 10

    /// Builds the index; fence `i` of `fences` gets id `i`.
    ///
    /// - Complexity: O(*n* log *n* + *c*) for *n* fences and *c* classified cells.
    public init(fences: [FenceGeometry]) {
        self.init(prepared: fences.map { PreparedFence($0) })
    }

    /// Builds the index over fences already prepared; fence `i` of `fences` gets id `i`.
    ///
    /// - Complexity: O(*n* log *n*) for *n* fences.
    public init(prepared fences: [PreparedFence]) {
        let shapes = fences.map(\.shape)
        self.shapes = shapes
        var circleLatitudes = [Double](repeating: 0, count: shapes.count)
        var circleLongitudes = [Double](repeating: 0, count: shapes.count)
        var circleRadii = [Double](repeating: -1, count: shapes.count)
        var polygonStarts: [Int32] = [0]
        var polygons: [PreparedPolygon] = []
        for (fence, shape) in shapes.enumerated() {
            switch shape {
            case .circle(let latitude, let longitude, let radius) where radius >= 0:
                (circleLatitudes[fence], circleLongitudes[fence], circleRadii[fence]) = (latitude, longitude, radius)
            case .circle:
                break  // invalid: no parts, matches nothing
            case .polygons(let parts):
                polygons += parts
            }
            polygonStarts.append(Int32(polygons.count))
        }
        self.circleLatitudes = circleLatitudes
        self.circleLongitudes = circleLongitudes
        self.circleRadii = circleRadii
        self.polygonStarts = polygonStarts
        self.polygons = polygons

        // The finest cells fit the median fence; coarser levels take larger fences.
        let heights = fences.compactMap { $0.pieces.map { $0.box.maxLatitude - $0.box.minLatitude }.max() }.sorted()
        let baseCellSize = max(1e-4, heights.isEmpty ? 0.01 : heights[heights.count / 2])

        var rasterWords: [UInt64] = []
        var perLevel = [[(key: Int64, entry: Entry)]](repeating: [], count: Self.levelCount)
        for (fence, prepared) in fences.enumerated() {
            let span =
                prepared.pieces.map {
                    max($0.box.maxLatitude - $0.box.minLatitude, $0.box.maxLongitude - $0.box.minLongitude)
                }.max() ?? 0
            var cellSize = baseCellSize
            var level = 0
            // The coarsest level's cells (≥ 16⁹ × 1e-4°) hold any fence on Earth in one cell.
            while level < Self.levelCount - 1 && span / cellSize > Double(Self.maximumSpan - 1) {
                cellSize *= Self.levelRatio
                level += 1
            }
            let inverse = 1 / cellSize
            // One part (nearly every fence): its cells straight in; several: merged per cell.
            var cells: [Int64: Entry] = [:]
            for piece in prepared.pieces {
                let entry = Entry(piece, fence: fence, rasterWord: rasterWords.count)
                rasterWords += piece.raster.words
                let box = piece.box
                for row in Self.cell(box.minLatitude, inverse)...Self.cell(box.maxLatitude, inverse) {
                    for column in Self.cell(box.minLongitude, inverse)...Self.cell(box.maxLongitude, inverse) {
                        let key = Self.key(row: row, column: column)
                        if prepared.pieces.count == 1 {
                            perLevel[level].append((key, entry))
                        } else if let existing = cells[key] {
                            cells[key] = existing.union(box)
                        } else {
                            cells[key] = entry
                        }
                    }
                }
            }
            perLevel[level] += cells.map { ($0.key, $0.value) }
        }
        self.rasterWords = rasterWords

        var levels: [Level] = []
        var slots: [CellTable.Slot] = []
        var boxes: [CellBox] = []
        var entries: [Entry] = []
        var cellSize = baseCellSize
        for level in 0..<Self.levelCount {
            defer { cellSize *= Self.levelRatio }
            let unsorted = perLevel[level]
            guard !unsorted.isEmpty else { continue }
            // Sorted by key through 16-byte (key, position) pairs, not the entries themselves. The
            // order of a cell's entries does not matter: queries report fences in no set order.
            var order = unsorted.indices.map { (key: unsorted[$0].key, position: $0) }
            order.sort { $0.key < $1.key }
            let pairs = order.map { unsorted[$0.position] }
            var table = CellTable(cellCount: pairs.count)
            let entryBase = entries.count
            var start = 0
            while start < pairs.count {
                var end = start + 1
                while end < pairs.count && pairs[end].key == pairs[start].key { end += 1 }
                table.insert(key: pairs[start].key, start: Int32(entryBase + start), count: Int32(end - start))
                start = end
            }
            let inverse = 1 / cellSize
            for (key, entry) in pairs {
                let (row, column) = (
                    Double(Int32(truncatingIfNeeded: key >> 32)), Double(Int32(truncatingIfNeeded: key))
                )
                boxes.append(
                    CellBox(
                        south: Self.fraction(entry.minLatitude, inverse, row, roundingUp: false),
                        north: Self.fraction(entry.maxLatitude, inverse, row, roundingUp: true),
                        west: Self.fraction(entry.minLongitude, inverse, column, roundingUp: false),
                        east: Self.fraction(entry.maxLongitude, inverse, column, roundingUp: true)
                    )
                )
                entries.append(entry)
            }
            levels.append(
                Level(
                    cellSize: cellSize,
                    inverseCellSize: inverse,
                    slotStart: slots.count,
                    slotMask: table.mask,
                    entryRange: entryBase..<entries.count
                )
            )
            slots += table.slots
        }
        self.levels = levels
        self.slots = slots
        self.boxes = boxes
        self.entries = entries
        self.footprintBytes =
            entries.count * (MemoryLayout<Entry>.stride + MemoryLayout<CellBox>.stride)
            + slots.count * MemoryLayout<CellTable.Slot>.stride + polygons.reduce(0) { $0 + $1.byteCount }
            + rasterWords.count * 8
    }

    @inline(__always)
    static func cell(_ degrees: Double, _ inverseCellSize: Double) -> Int32 {
        let scaled = (degrees * inverseCellSize).rounded(.down)
        // Positions are validated before they get here; the clamp keeps a stray value from trapping.
        return scaled.isNaN ? 0 : Int32(max(-2e9, min(2e9, scaled)))
    }

    /// Where `degrees` lies within cell `cell` (of `inverseCellSize` cells per degree), in
    /// 1/65,536ths of the cell, one step further out than rounding, within 0 ... 65,535.
    static func fraction(_ degrees: Double, _ inverseCellSize: Double, _ cell: Double, roundingUp: Bool) -> UInt16 {
        let position = (degrees * inverseCellSize - cell) * 65_536
        let rounded = roundingUp ? position.rounded(.up) + 1 : position.rounded(.down) - 1
        return rounded.isNaN ? (roundingUp ? .max : 0) : UInt16(max(0, min(65_535, rounded)))
    }

    /// Where a position lies within its cell, in 1/65,536ths of the cell.
    @inline(__always)
    static func fraction(_ degrees: Double, _ inverseCellSize: Double, _ cell: Int32) -> UInt16 {
        UInt16(truncatingIfNeeded: Int((degrees * inverseCellSize - Double(cell)) * 65_536))
    }

    @inline(__always)
    static func key(row: Int32, column: Int32) -> Int64 {
        (Int64(row) << 32) | Int64(UInt32(bitPattern: column))
    }

    /// Whether fence `fence` holds the point (exact test, no box check).
    @inline(__always)
    func shapeContains(_ fence: Int, latitude: Double, longitude: Double) -> Bool {
        let radius = self.circleRadii.withUnsafeBufferPointer { $0[fence] }
        if radius >= 0 {
            let (centerLatitude, centerLongitude) = (
                self.circleLatitudes.withUnsafeBufferPointer { $0[fence] },
                self.circleLongitudes.withUnsafeBufferPointer { $0[fence] }
            )
            return Separation.distance(
                latitude1: centerLatitude,
                longitude1: centerLongitude,
                latitude2: latitude,
                longitude2: longitude
            ) <= radius
        }
        return self.polygonStarts.withUnsafeBufferPointer { starts in
            self.polygons.withUnsafeBufferPointer { polygons in
                for part in Int(starts[fence])..<Int(starts[fence + 1])
                where polygons[part].contains(x: longitude, y: latitude) {
                    return true
                }
                return false
            }
        }
    }

    /// Calls `body` with the id of every fence that holds the point, each once, in no set order.
    ///
    /// - Complexity: O(*c*) for the *c* candidates in the point's cells.
    @inlinable
    public func forEachFence(containing point: Coordinate, _ body: (Int) -> Void) {
        self.visitContaining(latitude: point.latitude, longitude: point.longitude, body)
    }

    @usableFromInline
    func visitContaining(latitude: Double, longitude: Double, _ body: (Int) -> Void) {
        self.withProbe { $0.visitContaining(latitude: latitude, longitude: longitude, body) }
    }

    /// The ids of the fences that hold `point`, ascending.
    ///
    /// - Complexity: O(*c* + *m* log *m*) for *c* candidates and *m* matches.
    public func fences(containing point: Coordinate) -> [Int] {
        var result: [Int] = []
        self.forEachFence(containing: point) { result.append($0) }
        return result.sorted()
    }

    /// Batches of at least this many points are visited in spatial order when the index is larger
    /// than a core's caches (below that, index order was measured to be faster).
    static let spatialOrderThreshold = 4_096
    static let cacheBytes = 256 << 10
    /// Indexes larger than this (a shared cache) are worth a full Z-order of the points, not only
    /// grouping them by cell: measured on the shared workloads, the sort costs more than it saves
    /// at 1,000 fences (1.8 MB) and saves a fifth at 100,000 (190 MB).
    static let sharedCacheBytes = 16 << 20

    /// For many points (given as parallel latitude and longitude arrays), calls `body(point, fence)`
    /// for every fence that holds each point. Each point's fences are reported together; large
    /// batches visit the points in spatial order, not index order.
    ///
    /// - Complexity: O(Σ *c*) over the points' candidates.
    public func forEachContainment(
        latitudes: UnsafeBufferPointer<Double>,
        longitudes: UnsafeBufferPointer<Double>,
        _ body: (_ point: Int, _ fence: Int) -> Void
    ) {
        precondition(latitudes.count == longitudes.count, "one longitude per latitude")
        guard latitudes.count >= Self.spatialOrderThreshold, self.footprintBytes > Self.cacheBytes else {
            self.withProbe { probe in
                for point in 0..<latitudes.count {
                    probe.visitContaining(latitude: latitudes[point], longitude: longitudes[point]) { body(point, $0) }
                }
            }
            return
        }
        let ordered =
            self.footprintBytes > Self.sharedCacheBytes
            ? SpatialOrder.zOrdered(latitudes: latitudes, longitudes: longitudes)
            : SpatialOrder.grouped(latitudes: latitudes, longitudes: longitudes)
        self.withProbe { probe in
            for point in ordered {
                probe.visitContaining(latitude: point.latitude, longitude: point.longitude) { body(point.index, $0) }
            }
        }
    }

    /// For many points, the ids of the fences that hold each, as ``ContainmentMatches``.
    public func matches(for points: [Coordinate]) -> ContainmentMatches {
        var offsets = [0]
        offsets.reserveCapacity(points.count + 1)
        var fences: [Int32] = []
        for point in points {
            var found: [Int32] = []
            self.forEachFence(containing: point) { found.append(Int32($0)) }
            fences += found.sorted()
            offsets.append(fences.count)
        }
        return ContainmentMatches(offsets: offsets, fences: fences)
    }

    /// The ids of the fences within `distance` metres of `point` (0 when it is inside), ascending.
    ///
    /// The nearest point of a polygon edge is found in a local equirectangular projection around
    /// the point and its distance measured on the sphere.
    ///
    /// - Complexity: O(*c*) for the candidates in the cells the search circle covers.
    public func fences(within distance: Double, of point: Coordinate) -> [Int] {
        guard distance >= 0, point.latitude.isFinite, point.longitude.isFinite else { return [] }
        let searchBoxes = CircleBounds.boxes(center: point, radius: max(min(distance, 2.1e7), 0.001))
        var candidates = Set<Int>()
        for level in self.levels {
            // A search wider than the level's entries scans them instead of the cells.
            let cells = searchBoxes.reduce(0.0) { total, box in
                total + ((box.maxLatitude - box.minLatitude) * level.inverseCellSize + 2)
                    * ((box.maxLongitude - box.minLongitude) * level.inverseCellSize + 2)
            }
            if cells > Double(level.entryRange.count) {
                for entry in self.entries[level.entryRange]
                where searchBoxes.contains(where: {
                    $0.minLatitude <= entry.maxLatitude && $0.maxLatitude >= entry.minLatitude
                        && $0.minLongitude <= entry.maxLongitude && $0.maxLongitude >= entry.minLongitude
                }) {
                    candidates.insert(Int(entry.fence))
                }
                continue
            }
            for box in searchBoxes {
                for row in Self.cell(
                    box.minLatitude,
                    level.inverseCellSize
                )...Self.cell(box.maxLatitude, level.inverseCellSize) {
                    for column in Self.cell(
                        box.minLongitude,
                        level.inverseCellSize
                    )...Self.cell(box.maxLongitude, level.inverseCellSize) {
                        let range = self.slots.withUnsafeBufferPointer { slots in
                            CellTable.lookup(
                                Self.key(row: row, column: column),
                                in: UnsafeBufferPointer(
                                    rebasing: slots[level.slotStart...(level.slotStart + level.slotMask)]
                                ),
                                mask: level.slotMask
                            )
                        }
                        for slot in range {
                            candidates.insert(Int(self.entries[slot].fence))
                        }
                    }
                }
            }
        }
        return candidates.filter { self.distance(from: point, toFence: $0) <= distance }.sorted()
    }

    /// For many points, the ids of the fences within `distance` metres of each (0 inside), as
    /// ``ContainmentMatches``.
    ///
    /// - Complexity: O(Σ *c*) over the candidates of each point's search circle.
    public func matches(within distance: Double, of points: [Coordinate]) -> ContainmentMatches {
        var offsets = [0]
        offsets.reserveCapacity(points.count + 1)
        var fences: [Int32] = []
        for point in points {
            fences += self.fences(within: distance, of: point).map(Int32.init)
            offsets.append(fences.count)
        }
        return ContainmentMatches(offsets: offsets, fences: fences)
    }

    /// The distance in metres from `point` to fence `fence` (0 inside).
    func distance(from point: Coordinate, toFence fence: Int) -> Double {
        switch self.shapes[fence] {
        case .circle(_, _, let radius) where radius < 0:
            return .infinity
        case .circle(let latitude, let longitude, let radius):
            let centre = Separation.distance(
                latitude1: latitude,
                longitude1: longitude,
                latitude2: point.latitude,
                longitude2: point.longitude
            )
            return max(0, centre - radius)
        case .polygons(let polygons):
            var best = Double.infinity
            for polygon in polygons {
                if polygon.contains(x: point.longitude, y: point.latitude) { return 0 }
                best = min(best, polygon.edgeDistance(from: point))
            }
            return best
        }
    }
}

/// Every (point, fence) containment of a batch, CSR style: the fences of point `i` are
/// `fences[offsets[i] ..< offsets[i + 1]]`, ascending.
public struct ContainmentMatches: Sendable, Hashable {
    /// `points + 1` offsets into ``fences``.
    public var offsets: [Int]
    /// Fence ids.
    public var fences: [Int32]

    /// The fences that hold point `index`.
    public subscript(index: Int) -> ArraySlice<Int32> {
        self.fences[self.offsets[index]..<self.offsets[index + 1]]
    }
}

extension FenceIndex.Entry {
    init(_ piece: PreparedFence.Piece, fence: Int, rasterWord: Int) {
        self.init(
            minLatitude: piece.box.minLatitude,
            maxLatitude: piece.box.maxLatitude,
            minLongitude: piece.box.minLongitude,
            maxLongitude: piece.box.maxLongitude,
            latitudeScale: piece.raster.latitudeScale,
            longitudeScale: piece.raster.longitudeScale,
            fence: Int32(fence),
            rasterWord: Int32(rasterWord),
            rasterStride: Int32(piece.raster.stride)
        )
    }

    /// The entry for two parts of one fence in the same cell: their boxes' union, tested exactly.
    func union(_ box: BoundingBox) -> FenceIndex.Entry {
        FenceIndex.Entry(
            minLatitude: min(self.minLatitude, box.minLatitude),
            maxLatitude: max(self.maxLatitude, box.maxLatitude),
            minLongitude: min(self.minLongitude, box.minLongitude),
            maxLongitude: max(self.maxLongitude, box.maxLongitude),
            latitudeScale: 0,
            longitudeScale: 0,
            fence: self.fence,
            rasterWord: -1,
            rasterStride: 0
        )
    }
}

extension PreparedPolygon {
    /// The shortest distance in metres from `point` to any edge: the nearest point of each edge
    /// is found in a local equirectangular projection around `point`, then measured by haversine.
    func edgeDistance(from point: Coordinate) -> Double {
        let metresPerDegree = Earth.meanRadius * Double.pi / 180
        let xScale = metresPerDegree * geoCos(radians(point.latitude))
        var best = Double.infinity
        for edge in 0..<(self.edges.count / 4) {
            var dx1 = self.edges[4 * edge] - point.longitude
            var dx2 = self.edges[4 * edge + 2] - point.longitude
            if dx1 > 180 { dx1 -= 360 } else if dx1 < -180 { dx1 += 360 }
            if dx2 > 180 { dx2 -= 360 } else if dx2 < -180 { dx2 += 360 }
            let ax = dx1 * xScale
            let ay = (self.edges[4 * edge + 1] - point.latitude) * metresPerDegree
            let bx = dx2 * xScale
            let by = (self.edges[4 * edge + 3] - point.latitude) * metresPerDegree
            let (ex, ey) = (bx - ax, by - ay)
            let lengthSquared = ex * ex + ey * ey
            let t = lengthSquared > 0 ? max(0, min(1, -(ax * ex + ay * ey) / lengthSquared)) : 0
            // The nearest point is chosen in the projection; its distance is measured on the sphere.
            let (px, py) = (ax + t * ex, ay + t * ey)
            let nearestLatitude = point.latitude + py / metresPerDegree
            let nearestLongitude = point.longitude + (xScale > 0 ? px / xScale : 0)
            best = min(
                best,
                Earth.haversine(
                    latitude1: point.latitude,
                    longitude1: point.longitude,
                    latitude2: nearestLatitude,
                    longitude2: nearestLongitude
                )
            )
        }
        return best
    }
}
