/// How one raster cell relates to its fence, decided once when the fence is prepared.
enum CellClass: UInt64, Sendable {
    /// Every position of the cell is outside the fence.
    case outside = 0
    /// Every position of the cell is inside the fence (boundary included).
    case inside = 1
    /// The boundary passes through the cell, or close enough that only the exact test can tell.
    case boundary = 2
}

/// A box around a fence (or one of its parts) cut into a grid of cells square in metres (as many
/// as ``PreparedFence`` asks for), each classified once against the whole fence: inside, outside
/// or boundary.
///
/// A query maps its position to a cell with two multiplications; only a position in a boundary
/// cell needs the exact test. Cells are classified with a margin (``margin`` degrees, and a
/// millimetre for circles) so that rounding in the mapping can never put a position in a cell
/// whose class is wrong for it: a position that close to the boundary lands in a boundary cell.
///
/// The grid has one extra row and column past the box's northern and eastern edges, classified
/// like the others, so a position on those edges needs no clamp.
struct FenceRaster: Sendable {
    /// The box's south-west corner, in degrees.
    let minLatitude: Double
    let minLongitude: Double
    /// Cells per degree along each axis (0 when the box has no extent along it).
    let latitudeScale: Double
    let longitudeScale: Double
    /// Cells per row, the extra column included.
    let stride: Int
    /// Rows, the extra row included.
    let rowCount: Int
    /// Two bits per cell, row-major from the south-west, 32 cells per word.
    let words: [UInt64]

    /// How far (degrees, about 0.1 mm) each cell is grown before it is classified.
    static let margin = 1e-9

    /// The class of the cell holding a position that lies in the raster's box.
    @inline(__always)
    func cellClass(latitude: Double, longitude: Double) -> CellClass {
        let row = Int((latitude - self.minLatitude) * self.latitudeScale)
        let column = Int((longitude - self.minLongitude) * self.longitudeScale)
        let cell = row * self.stride + column
        return self.words.withUnsafeBufferPointer { Self.cellClass(in: $0, from: 0, cell: cell) }
    }

    /// The class of cell `cell` of the raster whose words begin at `start` in `words` (two bits
    /// a cell, 32 cells a word): the one place the packing is read.
    @inline(__always)
    static func cellClass(in words: UnsafeBufferPointer<UInt64>, from start: Int, cell: Int) -> CellClass {
        let bits = (words[start &+ (cell &>> 5)] &>> UInt64((cell & 31) &<< 1)) & 3
        return CellClass(rawValue: bits) ?? .boundary
    }

    /// The one class every cell meeting `box` shares (cells past the raster count as outside),
    /// or ``CellClass/boundary`` when they differ.
    func cellClass(covering box: BoundingBox) -> CellClass {
        let rows = Self.cellRange(
            box.minLatitude,
            box.maxLatitude,
            origin: self.minLatitude,
            scale: self.latitudeScale,
            count: self.rowCount
        )
        let columns = Self.cellRange(
            box.minLongitude,
            box.maxLongitude,
            origin: self.minLongitude,
            scale: self.longitudeScale,
            count: self.stride
        )
        guard let rowRange = rows.clamped, let columnRange = columns.clamped else { return .outside }
        let partial = rowRange.count < rows.whole || columnRange.count < columns.whole
        var seen: CellClass? = partial ? .outside : nil
        for row in rowRange {
            for column in columnRange {
                let cell = row * self.stride + column
                let cellClass = self.words.withUnsafeBufferPointer { Self.cellClass(in: $0, from: 0, cell: cell) }
                if cellClass == .boundary || (seen != nil && seen != cellClass) { return .boundary }
                seen = cellClass
            }
        }
        return seen ?? .outside
    }

    /// The cells `low ... high` spans along one axis: those within the raster (`nil` when none
    /// is) and how many in all.
    private static func cellRange(
        _ low: Double,
        _ high: Double,
        origin: Double,
        scale: Double,
        count: Int
    ) -> (clamped: ClosedRange<Int>?, whole: Int) {
        let first = ((low - Self.margin - origin) * scale).rounded(.down)
        let last = ((high + Self.margin - origin) * scale).rounded(.down)
        let whole = Int(min(1e9, max(0, last - first + 1)))
        let limit = Double(scale == 0 ? 0 : count - 1)
        guard last >= 0, first <= limit, last >= first else { return (nil, whole) }
        return (Int(max(0, first))...Int(min(limit, last)), whole)
    }
}

extension FenceRaster {
    /// The grid over `box`: about `targetCells` cells, square in metres at the box's middle.
    private init(
        frame box: BoundingBox,
        targetCells: Int,
        classify: (_ cells: RasterCells, _ classes: UnsafeMutableBufferPointer<UInt8>) -> Void
    ) {
        let targetCells = max(1, min(1 << 20, targetCells))
        let height = box.maxLatitude - box.minLatitude
        let width = box.maxLongitude - box.minLongitude
        let metresWide = width * max(0.01, geoCos(radians((box.minLatitude + box.maxLatitude) / 2)))
        var rows = 1
        var columns = 1
        if height > 0 && metresWide > 0 {
            let ideal = (Double(targetCells) * height / metresWide).squareRoot()
            rows = Int(max(1, min(Double(targetCells), ideal.rounded())))
            columns = max(1, targetCells / rows)
        } else if height > 0 {
            rows = targetCells
        } else if width > 0 {
            columns = targetCells
        }
        let cells = RasterCells(
            minLatitude: box.minLatitude,
            minLongitude: box.minLongitude,
            cellHeight: height / Double(rows),
            cellWidth: width / Double(columns),
            rows: rows + 1,
            columns: columns + 1
        )
        self.minLatitude = box.minLatitude
        self.minLongitude = box.minLongitude
        self.latitudeScale = height > 0 ? Double(rows) / height : 0
        self.longitudeScale = width > 0 ? Double(columns) / width : 0
        self.stride = columns + 1
        self.rowCount = rows + 1
        let cellCount = cells.rows * cells.columns
        self.words = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: cellCount) { classes in
            classes.initialize(repeating: RasterCells.unknown)
            classify(cells, classes)
            var words = [UInt64](repeating: 0, count: (cellCount + 31) / 32)
            words.withUnsafeMutableBufferPointer { words in
                for cell in 0..<cellCount {
                    let cellClass =
                        classes[cell] == RasterCells.unknown ? CellClass.boundary.rawValue : UInt64(classes[cell])
                    words[cell >> 5] |= cellClass << UInt64((cell & 31) << 1)
                }
            }
            return words
        }
    }

    /// A raster of a spherical cap over `box` (the cap's box, or one half of it at the antimeridian).
    ///
    /// A cell's haversine term `a = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)` is bounded below and
    /// above from its latitude and longitude ranges; the cell is inside when the upper bound is
    /// within the radius less a millimetre, outside when the lower bound is beyond it plus one.
    init(circleAt center: Coordinate, radius: Double, box: BoundingBox, cells targetCells: Int) {
        self.init(frame: box, targetCells: targetCells) { cells, classes in
            let tolerance = max(1e-3, radius * 1e-9)
            // Near-antipodal distances lose precision in asin: such caps are all boundary.
            guard radius < 0.9 * Double.pi * Earth.meanRadius else { return }
            let insideBelow =
                radius > tolerance ? squaredSine((radius - tolerance) / (2 * Earth.meanRadius)) * (1 - 1e-12) : -1
            let outsideAbove = squaredSine((radius + tolerance) / (2 * Earth.meanRadius)) * (1 + 1e-12)
            let centerCosine = geoCos(radians(center.latitude))
            withUnsafeTemporaryAllocation(of: (low: Double, high: Double).self, capacity: cells.columns) {
                columnTerms in
                for column in 0..<cells.columns {
                    let (west, east) = cells.longitudes(ofColumn: column)
                    columnTerms[column] = squaredSineRange(
                        radians(west - center.longitude) / 2,
                        radians(east - center.longitude) / 2
                    )
                }
                for row in 0..<cells.rows {
                    let (south, north) = cells.latitudes(ofRow: row)
                    let latitudeTerm = squaredSineRange(
                        radians(max(-90, south) - center.latitude) / 2,
                        radians(min(90, north) - center.latitude) / 2
                    )
                    let cosines = cosineRange(radians(max(-90, south)), radians(min(90, north)))
                    let (lowFactor, highFactor) = (centerCosine * cosines.low, centerCosine * cosines.high)
                    for column in 0..<cells.columns {
                        let low = latitudeTerm.low + lowFactor * columnTerms[column].low
                        let high = latitudeTerm.high + highFactor * columnTerms[column].high
                        classes[row * cells.columns + column] =
                            high <= insideBelow
                            ? UInt8(CellClass.inside.rawValue)
                            : low >= outsideAbove
                                ? UInt8(CellClass.outside.rawValue) : UInt8(CellClass.boundary.rawValue)
                    }
                }
            }
        }
    }

    /// A raster of polygons over `box` (the box of one of them): cells any edge of any polygon
    /// comes near are boundary; every other run of cells along a row is inside or outside as a
    /// whole, decided by one exact test at the middle of its first cell.
    init(polygons: [PreparedPolygon], box: BoundingBox, cells targetCells: Int) {
        self.init(frame: box, targetCells: targetCells) { cells, classes in
            // Too thin to tell cells apart: every cell stays boundary.
            guard cells.cellHeight > Self.margin, cells.cellWidth > Self.margin else { return }
            let boundary = UInt8(CellClass.boundary.rawValue)
            for polygon in polygons {
                polygon.edges.withUnsafeBufferPointer { edges in
                    for edge in 0..<(edges.count / 4) {
                        cells.markCells(
                            near: (edges[4 * edge], edges[4 * edge + 1]),
                            (edges[4 * edge + 2], edges[4 * edge + 3]),
                            within: 2 * Self.margin,
                            as: boundary,
                            in: classes
                        )
                    }
                }
            }
            // A run of cells no edge comes near is all inside or all outside. It shares the class
            // of any such cell beside it in the row below (the two touch, and no edge comes between
            // them); only a run with none there needs the exact test.
            let boundaryClass = UInt8(CellClass.boundary.rawValue)
            for row in 0..<cells.rows {
                var column = 0
                while column < cells.columns {
                    guard classes[row * cells.columns + column] == RasterCells.unknown else {
                        column += 1
                        continue
                    }
                    var end = column
                    var runClass = RasterCells.unknown
                    while end < cells.columns && classes[row * cells.columns + end] == RasterCells.unknown {
                        if row > 0 && runClass == RasterCells.unknown {
                            let below = classes[(row - 1) * cells.columns + end]
                            if below != boundaryClass { runClass = below }
                        }
                        end += 1
                    }
                    if runClass == RasterCells.unknown {
                        let (latitude, longitude) = cells.middle(row: row, column: column)
                        let inside = polygons.contains { $0.contains(x: longitude, y: latitude) }
                        runClass = UInt8((inside ? CellClass.inside : CellClass.outside).rawValue)
                    }
                    for cell in (row * cells.columns + column)..<(row * cells.columns + end) {
                        classes[cell] = runClass
                    }
                    column = end
                }
            }
        }
    }
}

/// The geometry of a raster's cells while it is classified.
struct RasterCells {
    /// A cell not classified yet (boundary, if it stays so).
    static let unknown: UInt8 = 255

    let minLatitude: Double
    let minLongitude: Double
    let cellHeight: Double
    let cellWidth: Double
    let rows: Int
    let columns: Int

    /// A row's southern and northern edges, grown by the margin.
    func latitudes(ofRow row: Int) -> (Double, Double) {
        (
            self.minLatitude + Double(row) * self.cellHeight - FenceRaster.margin,
            self.minLatitude + Double(row + 1) * self.cellHeight + FenceRaster.margin
        )
    }

    /// A column's western and eastern edges, grown by the margin.
    func longitudes(ofColumn column: Int) -> (Double, Double) {
        (
            self.minLongitude + Double(column) * self.cellWidth - FenceRaster.margin,
            self.minLongitude + Double(column + 1) * self.cellWidth + FenceRaster.margin
        )
    }

    /// The middle of a cell.
    func middle(row: Int, column: Int) -> (latitude: Double, longitude: Double) {
        (
            self.minLatitude + (Double(row) + 0.5) * self.cellHeight,
            self.minLongitude + (Double(column) + 0.5) * self.cellWidth
        )
    }

    /// Sets `value` for every cell that comes within `reach` degrees of the segment from `a` to
    /// `b` (points as x = longitude, y = latitude), and perhaps a few more.
    func markCells(
        near a: (x: Double, y: Double),
        _ b: (x: Double, y: Double),
        within reach: Double,
        as value: UInt8,
        in classes: UnsafeMutableBufferPointer<UInt8>
    ) {
        let rowRange = self.indices(
            min(a.y, b.y) - reach,
            max(a.y, b.y) + reach,
            origin: self.minLatitude,
            size: self.cellHeight,
            count: self.rows
        )
        for row in rowRange {
            // The part of the segment within the row's band, grown by the reach.
            let south = self.minLatitude + Double(row) * self.cellHeight - reach
            let north = self.minLatitude + Double(row + 1) * self.cellHeight + reach
            var (low, high) = (min(a.x, b.x), max(a.x, b.x))
            if a.y != b.y {
                let t1 = max(0, min(1, (south - a.y) / (b.y - a.y)))
                let t2 = max(0, min(1, (north - a.y) / (b.y - a.y)))
                let x1 = a.x + t1 * (b.x - a.x)
                let x2 = a.x + t2 * (b.x - a.x)
                (low, high) = (min(x1, x2), max(x1, x2))
            }
            let columnRange = self.indices(
                low - reach,
                high + reach,
                origin: self.minLongitude,
                size: self.cellWidth,
                count: self.columns
            )
            for column in columnRange { classes[row * self.columns + column] = value }
        }
    }

    /// The cells along one axis that `low ... high` meets (none when it lies past either end).
    private func indices(_ low: Double, _ high: Double, origin: Double, size: Double, count: Int) -> Range<Int> {
        let first = ((low - origin) / size).rounded(.down)
        let last = ((high - origin) / size).rounded(.down)
        guard last >= 0, first <= Double(count - 1) else { return 0..<0 }
        return Int(max(0, first))..<(Int(min(Double(count - 1), last)) + 1)
    }
}

/// sin²(x).
@inline(__always)
private func squaredSine(_ x: Double) -> Double {
    let sine = geoSin(x)
    return sine * sine
}

/// The least and greatest sin²(x) for x in `low ... high` (radians; period π, zero at multiples
/// of π, one at odd multiples of π/2).
private func squaredSineRange(_ low: Double, _ high: Double) -> (low: Double, high: Double) {
    let ends = (squaredSine(low), squaredSine(high))
    var least = min(ends.0, ends.1)
    var greatest = max(ends.0, ends.1)
    if (low / Double.pi).rounded(.up) <= high / Double.pi { least = 0 }
    if ((low / Double.pi) - 0.5).rounded(.up) <= (high / Double.pi) - 0.5 { greatest = 1 }
    return (least, greatest)
}

/// The least and greatest cos φ for φ in `low ... high` (radians, within ±π/2).
private func cosineRange(_ low: Double, _ high: Double) -> (low: Double, high: Double) {
    let ends = (geoCos(low), geoCos(high))
    return (max(0, min(ends.0, ends.1) - 1e-15), low <= 0 && high >= 0 ? 1 : max(ends.0, ends.1) + 1e-15)
}
