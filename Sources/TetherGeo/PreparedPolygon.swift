/// A polygon prepared for many point queries: its edges bucketed by latitude band, so a query
/// tests only the edges whose latitude range can reach the point, not every edge.
///
/// Planar in (x = longitude, y = latitude). The boundary, of the shell or of a hole, is inside.
public struct PreparedPolygon: Sendable {
    /// Edge endpoints, four values per edge: x1, y1, x2, y2 (all rings together).
    let edges: [Double]
    /// For each edge, the ring it belongs to (0 = exterior).
    let edgeRings: [Int32]
    /// Number of rings (exterior + holes).
    let ringCount: Int
    /// The latitude of band 0's southern edge, the bands' height and its inverse.
    let minY: Double
    let bandScale: Double
    let bandCount: Int
    /// CSR: the edges of band `b` are `bandEdges[bandStarts[b]..<bandStarts[b + 1]]`.
    let bandStarts: [Int]
    let bandEdges: [Int32]
    /// The box of the exterior ring.
    public let boundingBox: BoundingBox

    /// The prepared form's size in memory.
    var byteCount: Int {
        self.edges.count * 8 + self.edgeRings.count * 4 + self.bandStarts.count * 4 + self.bandEdges.count * 4
    }

    /// Rings with at most this many edges are scanned whole; larger ones get bands.
    static let edgesPerBand = 4

    /// Prepares `polygon`.
    ///
    /// - Complexity: O(*n* + *e*) for *n* edges and *e* edge-band entries.
    public init(_ polygon: Polygon) {
        let rings = [polygon.exterior] + polygon.holes
        var edges: [Double] = []
        var edgeRings: [Int32] = []
        for (ringIndex, ring) in rings.enumerated() {
            for index in 0..<(ring.count - 1) {
                let a = ring[index]
                let b = ring[index + 1]
                if a == b { continue }  // repeated positions add no edge
                edges += [a.longitude, a.latitude, b.longitude, b.latitude]
                edgeRings.append(Int32(ringIndex))
            }
        }
        self.edges = edges
        self.edgeRings = edgeRings
        self.ringCount = rings.count
        self.boundingBox = polygon.boundingBox

        let edgeCount = edgeRings.count
        let minY = self.boundingBox.minLatitude
        let height = self.boundingBox.maxLatitude - minY
        // Bands: about `edgesPerBand` edges each, but no more than keeps the edge-band entries
        // under 8 per edge when edges are tall (a comb or a star), and one band when the height
        // is too small to divide.
        var totalEdgeHeight = 0.0
        for edge in 0..<edgeCount {
            let edgeHeight: Double = abs(edges[4 * edge + 3] - edges[4 * edge + 1])
            totalEdgeHeight += edgeHeight
        }
        let tallness = height > 0 ? totalEdgeHeight / height : 0
        var bandCount = max(1, min(4_096, edgeCount / Self.edgesPerBand))
        if tallness > 0 {
            bandCount = max(1, min(bandCount, Int(8 * Double(edgeCount) / tallness)))
        }
        var scale = height > 0 ? Double(bandCount) / height : 0
        if !scale.isFinite {
            (bandCount, scale) = (1, 0)
        }
        self.minY = minY
        self.bandScale = scale
        self.bandCount = bandCount

        func band(_ y: Double) -> Int {
            let position = (y - minY) * scale
            return position.isNaN ? 0 : Int(max(0, min(Double(bandCount - 1), position)))
        }
        var counts = [Int](repeating: 0, count: bandCount + 1)
        for edge in 0..<edgeCount {
            let (y1, y2) = (edges[4 * edge + 1], edges[4 * edge + 3])
            for b in band(min(y1, y2))...band(max(y1, y2)) { counts[b + 1] += 1 }
        }
        for b in 0..<bandCount { counts[b + 1] += counts[b] }
        var fill = counts
        var bandEdges = [Int32](repeating: 0, count: counts[bandCount])
        for edge in 0..<edgeCount {
            let (y1, y2) = (edges[4 * edge + 1], edges[4 * edge + 3])
            for b in band(min(y1, y2))...band(max(y1, y2)) {
                bandEdges[fill[b]] = Int32(edge)
                fill[b] += 1
            }
        }
        self.bandStarts = counts
        self.bandEdges = bandEdges
    }

    /// Whether the polygon holds (x, y): inside the exterior ring or on it, and not strictly
    /// inside a hole.
    ///
    /// - Complexity: O(*k*) for the *k* edges in the point's latitude band.
    @inlinable
    public func contains(x: Double, y: Double) -> Bool {
        guard self.boundingBox.contains(latitude: y, longitude: x) else { return false }
        return self.locate(x: x, y: y)
    }

    /// Crossing-number test per ring over the band's edges, with exact on-edge detection.
    @usableFromInline
    func locate(x: Double, y: Double) -> Bool {
        let position = (y - self.minY) * self.bandScale
        let band = position.isNaN ? 0 : Int(max(0, min(Double(self.bandCount - 1), position)))
        return self.edges.withUnsafeBufferPointer { edges in
            self.edgeRings.withUnsafeBufferPointer { rings in
                self.bandStarts.withUnsafeBufferPointer { starts in
                    self.bandEdges.withUnsafeBufferPointer { bandEdges in
                        // One parity bit per ring; 64 rings fit in a word, more fall back to an array.
                        var parity: UInt64 = 0
                        var extraParity: [Bool] = []
                        if self.ringCount > 64 { extraParity = [Bool](repeating: false, count: self.ringCount) }
                        for slot in Int(starts[band])..<Int(starts[band + 1]) {
                            let edge = Int(bandEdges[slot])
                            let x1 = edges[4 * edge]
                            let y1 = edges[4 * edge + 1]
                            let x2 = edges[4 * edge + 2]
                            let y2 = edges[4 * edge + 3]
                            let above1 = y1 > y
                            let above2 = y2 > y
                            if above1 != above2 {
                                let cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
                                if cross == 0 { return true }  // on an edge: boundary counts as inside
                                if (cross > 0) == (y2 > y1) {
                                    let ring = Int(rings[edge])
                                    if ring < 64 { parity ^= 1 << UInt64(ring) } else { extraParity[ring].toggle() }
                                }
                            } else if y1 == y || y2 == y {
                                // Touches the ray's line without straddling it: on the edge only if collinear and between.
                                let cross = (x2 - x1) * (y - y1) - (x - x1) * (y2 - y1)
                                if cross == 0 && x >= min(x1, x2) && x <= max(x1, x2) { return true }
                            }
                        }
                        guard parity & 1 == 1 else { return false }  // outside the exterior ring
                        if parity >> 1 != 0 { return false }  // strictly inside a hole
                        return !extraParity.contains(true)
                    }
                }
            }
        }
    }
}
