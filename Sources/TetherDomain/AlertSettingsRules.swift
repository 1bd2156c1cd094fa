public import Foundation
public import TetherCore
import TetherGeo

/// The rules an owner's alert settings obey, wherever they come from: the REST endpoints check
/// a request with them before writing, and settings sync checks every pushed value and every
/// record it would write after merging. So a value refused on one path is refused on the other,
/// with the same code and detail (each path names its own field).
///
/// The caps (``caps``) are counted by the store inside the transaction that writes; it takes
/// them from its caller and does not know the numbers itself.
///
/// Every check throws ``TetherError/invalidField(_:_:)`` naming the `field` it is given (a
/// nested part is appended: `geojson.properties.radius_m`).
public enum AlertSettingsRules {
    /// Fences and do-not-disturb windows one account may hold: every fix is judged against
    /// each of its device's fences, every alert against each window.
    public static let caps = AlertSettingsCaps(fences: 1_000, quietWindows: 100)

    /// The circle radii accepted, in metres.
    public static let fenceRadii: ClosedRange<Double> = 1...1_000_000

    /// The longest snooze, in seconds: 7 days.
    public static let longestSnoozeSeconds = 7 * 86_400

    // MARK: Names

    /// A fence's name: 1–64 printable characters, trimmed (as a device's name).
    public static func name(_ text: String, field: String) throws(TetherError) -> String {
        try DeviceField.label(text, field: field)
    }

    // MARK: Fences

    /// A circle fence as one GeoJSON feature; `field` names the circle (`circle`), its radius
    /// `field.radius_m`.
    public static func circle(
        latitude: Double,
        longitude: Double,
        radius: Double,
        field: String
    ) throws(TetherError) -> String {
        let center: Coordinate
        do {
            center = try Coordinate(latitude: latitude, longitude: longitude)
        } catch {
            throw .invalidField(field, "needs lat in -90…90 and lon in -180…180")
        }
        try Self.radius(radius, field: "\(field).radius_m")
        return FenceShape.circleFeature(center: center, radius: radius)
    }

    /// A fence shape sent as GeoJSON (a `Feature`, a bare `Polygon` or `MultiPolygon`, or a
    /// one-feature collection), as the one compact `Feature` it is stored as. A circle's radius
    /// must be in ``fenceRadii``.
    public static func fenceShape(_ data: Data, field: String) throws(TetherError) -> String {
        do {
            if case .circle(_, let radius) = try FenceShape.geometry(data: data) {
                try Self.radius(radius, field: "\(field).properties.radius_m")
            }
            return try FenceShape.normalizedFeature(data: data)
        } catch let error as TetherError {
            throw error
        } catch let error as GeoError where error.field == "radius_m" {
            // A radius that is not a positive number: out of range, answered as any other.
            throw .invalidField("\(field).properties.radius_m", Self.radiusProblem)
        } catch let error as GeoError {
            throw .invalidField("\(field).\(error.field)", error.problem)
        } catch {
            throw .invalidField(field, "must be a GeoJSON Feature, Polygon or MultiPolygon")
        }
    }

    /// A circle's radius, in metres: within ``fenceRadii``.
    public static func radius(_ radius: Double, field: String) throws(TetherError) {
        guard Self.fenceRadii.contains(radius) else { throw .invalidField(field, Self.radiusProblem) }
    }

    private static let radiusProblem = "must be between 1 and 1000000 metres"

    // MARK: Do-not-disturb

    /// A snooze until `until`, set at `setAt`: at most ``longestSnoozeSeconds`` ahead. (Whether
    /// a snooze in the past is refused is the caller's choice: a REST request asks for a new
    /// snooze, a synced one may arrive after it ended.)
    public static func snooze(until: Date, setAt: Date, field: String) throws(TetherError) {
        guard until.timeIntervalSince(setAt) <= Double(Self.longestSnoozeSeconds) else {
            throw .invalidField(field, "must be at most 7 days ahead")
        }
    }

    /// A snooze of `seconds`: 1 second to ``longestSnoozeSeconds``.
    public static func snooze(seconds: Int, field: String) throws(TetherError) {
        guard (1...Self.longestSnoozeSeconds).contains(seconds) else {
            throw .invalidField(field, "must be between 1 second and 7 days")
        }
    }

    /// A weekly window; its errors name `days`, `to` or `tz` (``QuietWindow/init(days:start:end:timeZone:)``).
    public static func quietWindow(
        days: Set<Weekday>,
        start: LocalTime,
        end: LocalTime,
        timeZone: String
    ) throws(TetherError) -> QuietWindow {
        try QuietWindow(days: days, start: start, end: end, timeZone: timeZone)
    }
}
