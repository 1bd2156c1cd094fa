public import Foundation

/// Writes a region directory file (`protocols/sync.md`) for tests: regions on loopback ports,
/// each serving a box of longitudes and latitudes.
///
/// ```swift
/// let file = try RegionDirectoryFile.write([
///     .init(id: "eu", port: 8081, group: "eu", box: (west: -25, south: 34, east: 45, north: 72)),
/// ])
/// ```
public enum RegionDirectoryFile {
    /// One region of the file.
    public struct Region: Sendable {
        /// The region id.
        public var id: String
        /// The loopback port its server listens on.
        public var port: Int
        /// The jurisdiction group.
        public var group: String
        /// The area it serves, as a box in degrees; `nil` for none.
        public var box: (west: Double, south: Double, east: Double, north: Double)?
        /// Regions that may hold its replicas.
        public var replicas: [String]
        /// Its URL in the file, when it is not `http://127.0.0.1:PORT`.
        public var url: URL?

        /// Creates a region.
        public init(
            id: String,
            port: Int,
            group: String,
            box: (west: Double, south: Double, east: Double, north: Double)? = nil,
            replicas: [String] = [],
            url: URL? = nil
        ) {
            self.id = id
            self.port = port
            self.group = group
            self.box = box
            self.replicas = replicas
            self.url = url
        }
    }

    /// The shared directory key the files carry (base64 of 32 bytes).
    public static let key = Data(repeating: 7, count: 32).base64EncodedString()

    /// Writes a directory of `regions` into a new temporary file and returns its URL.
    public static func write(_ regions: [Region]) throws -> URL {
        let entries: [[String: Any]] = regions.map { region in
            var features: [[String: Any]] = []
            if let box = region.box {
                let ring = [
                    [box.west, box.south], [box.east, box.south], [box.east, box.north], [box.west, box.north],
                    [box.west, box.south],
                ]
                features.append([
                    "type": "Feature", "properties": [String: String](),
                    "geometry": ["type": "Polygon", "coordinates": [ring]],
                ])
            }
            return [
                "id": region.id, "url": region.url?.absoluteString ?? "http://127.0.0.1:\(region.port)",
                "group": region.group,
                "replicas": region.replicas, "area": ["type": "FeatureCollection", "features": features],
            ]
        }
        let document: [String: Any] = ["directory_key": Self.key, "regions": entries]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        let file = TemporaryDirectory.make(prefix: "tether-regions").appendingPathComponent("regions.json")
        try data.write(to: file)
        return file
    }
}
