public import TetherGeo

/// A position with its accuracy radius at a device time: what the engine reasons about.
public struct PositionFix: Sendable, Hashable {
    /// Device time in milliseconds since 1970.
    public var time: Int64
    public var position: Coordinate
    /// Radius of the accuracy circle in metres.
    public var accuracy: Double

    /// Creates a fix.
    public init(time: Int64, position: Coordinate, accuracy: Double) {
        self.time = time
        self.position = position
        self.accuracy = accuracy
    }
}

/// Where a fix lies relative to a fence, counting its whole accuracy circle.
public enum FenceRelation: Sendable, Hashable {
    /// The whole accuracy circle is inside.
    case inside
    /// The whole accuracy circle is outside.
    case outside
    /// The circle straddles the boundary: the fix cannot tell.
    case uncertain

    /// Relates `fix` to `fence`: one drifting fix of ±500 m is `uncertain`, never a crossing.
    public init(_ fix: PositionFix, to fence: FenceGeometry) {
        let clearance = fence.distanceToBoundary(from: fix.position)
        guard clearance >= fix.accuracy else {
            self = .uncertain
            return
        }
        self = fence.contains(fix.position) ? .inside : .outside
    }

    /// Relates `fix` to a prepared fence: the fence's classified cells place most accuracy
    /// circles at once; only one near the boundary is measured as above.
    public init(_ fix: PositionFix, to fence: PreparedFence) {
        switch fence.region(around: fix.position, radius: fix.accuracy) {
        case .inside: self = .inside
        case .outside: self = .outside
        case nil:
            guard fence.distanceToBoundary(from: fix.position) >= fix.accuracy else {
                self = .uncertain
                return
            }
            self = fence.contains(fix.position) ? .inside : .outside
        }
    }
}
