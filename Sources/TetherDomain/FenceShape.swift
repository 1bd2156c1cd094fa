public import Foundation
public import TetherGeo

/// Reads and writes a fence's shape as one GeoJSON `Feature`, the form it is stored and shown in.
public enum FenceShape {
    /// The geometry of a stored or submitted feature (or bare `Polygon`/`MultiPolygon` geometry,
    /// or a `FeatureCollection` of exactly one feature).
    ///
    /// - Throws: ``GeoError`` naming the problem.
    public static func geometry(geoJSON: String) throws -> FenceGeometry {
        try self.geometry(data: Data(geoJSON.utf8))
    }

    /// See ``geometry(geoJSON:)``.
    public static func geometry(data: Data) throws -> FenceGeometry {
        let object = try JSONSerialization.jsonObject(with: data)
        guard var dictionary = object as? [String: Any], let type = dictionary["type"] as? String else {
            throw GeoError(field: "type", problem: "must be a GeoJSON Feature or geometry")
        }
        var features: [Any]
        var isBareGeometry = false
        switch type {
        case "FeatureCollection":
            features = dictionary["features"] as? [Any] ?? []
            guard features.count == 1 else {
                throw GeoError(field: "features", problem: "must hold exactly one feature")
            }
        case "Feature":
            features = [dictionary]
        default:
            dictionary = ["type": "Feature", "geometry": dictionary, "properties": [String: Any]()]
            features = [dictionary]
            isBareGeometry = true
        }
        let collection = try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features])
        do {
            return try JSONDecoder().decode(FenceCollection.self, from: collection).fences[0]
        } catch var error as GeoError {
            // Name the field as the caller sent it: a bare geometry has no `geometry` member.
            error.featureIndex = nil
            if isBareGeometry, error.field.hasPrefix("geometry.") { error.field.removeFirst("geometry.".count) }
            throw error
        }
    }

    /// A circle as the GeoJSON `Feature` TetherGeo reads: a `Point` with `properties.radius_m`.
    public static func circleFeature(center: Coordinate, radius: Double) -> String {
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(center.longitude),"
            + "\(center.latitude)]},\"properties\":{\"radius_m\":\(radius)}}"
    }

    /// `data` as one compact `Feature` (a bare geometry is wrapped, a one-feature collection unwrapped).
    ///
    /// - Throws: ``GeoError`` when it is not a fence.
    public static func normalizedFeature(data: Data) throws -> String {
        _ = try self.geometry(data: data)
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        switch object["type"] as? String {
        case "FeatureCollection": object = (object["features"] as! [Any])[0] as! [String: Any]
        case "Feature": break
        default: object = ["type": "Feature", "geometry": object, "properties": [String: Any]()]
        }
        let normalized = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: normalized, as: UTF8.self)
    }
}
