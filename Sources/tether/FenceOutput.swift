import Foundation
import OpenAPIRuntime
import TetherAPI

/// `{"id", "name", "role", "device_id", "geojson", "created_at"}`; `device_id` is `null` for a
/// fence of every device.
struct FenceOutput: Encodable {
    let fence: Components.Schemas.Fence

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case deviceId = "device_id"
        case geojson
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.fence.id, forKey: .id)
        try container.encode(self.fence.name, forKey: .name)
        try container.encode(self.fence.role.rawValue, forKey: .role)
        try container.encode(self.fence.deviceId, forKey: .deviceId)
        try container.encode(self.fence.geojson.additionalProperties, forKey: .geojson)
        try container.encode(self.fence.createdAt, forKey: .createdAt)
    }

    static let tableHeader = ["ID", "NAME", "ROLE", "DEVICE", "SHAPE"]

    var tableRow: [String] {
        [self.fence.id, self.fence.name, self.fence.role.rawValue, self.fence.deviceId ?? "all", self.shape]
    }

    var text: String { Output.table(header: Self.tableHeader, rows: [self.tableRow]) }

    /// `circle 100 m around 52.52, 13.405` or `Polygon`.
    var shape: String {
        let feature = self.fence.geojson.additionalProperties.value
        let geometry = feature["geometry"] as? [String: (any Sendable)?]
        let type = geometry?["type"] as? String ?? "?"
        let properties = feature["properties"] as? [String: (any Sendable)?]
        guard type == "Point", let radius = Self.double(properties?["radius_m"] ?? nil),
            let coordinates = geometry?["coordinates"] as? [(any Sendable)?], coordinates.count >= 2,
            let lon = Self.double(coordinates[0]), let lat = Self.double(coordinates[1])
        else { return type }
        return "circle \(OptionValue.distanceText(radius)) around \(lat), \(lon)"
    }

    private static func double(_ value: (any Sendable)?) -> Double? {
        switch value {
        case let value as Double: value
        case let value as Int: Double(value)
        default: nil
        }
    }
}
