public import Foundation
import TetherCore
public import TetherSync

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
        /// Whether the file lists its keys (made beside the file: ``keyFile(for:regions:)``).
        public var hasKeys: Bool

        /// Creates a region.
        public init(
            id: String,
            port: Int,
            group: String,
            box: (west: Double, south: Double, east: Double, north: Double)? = nil,
            replicas: [String] = [],
            url: URL? = nil,
            hasKeys: Bool = true
        ) {
            self.id = id
            self.port = port
            self.group = group
            self.box = box
            self.replicas = replicas
            self.url = url
            self.hasKeys = hasKeys
        }
    }

    /// The shared directory key the files carry (base64 of 32 bytes).
    public static let key = Data(repeating: 7, count: 32).base64EncodedString()

    /// The key file of region `id` beside the `regions` file (`<id>.region-key`), for
    /// `tetherd --region-key`.
    public static func keyFile(for id: String, regions: URL) -> URL {
        regions.deletingLastPathComponent().appendingPathComponent("\(id).region-key")
    }

    /// The keys of region `id` beside the `regions` file.
    public static func keyring(for id: String, regions: URL) throws -> RegionKeyring {
        try RegionKeyring.load(from: Self.keyFile(for: id, regions: regions))
    }

    /// Writes a directory of `regions` into a new temporary file and returns its URL; each region
    /// that ``Region/hasKeys`` gets a key file beside it (``keyFile(for:regions:)``), its public
    /// keys in its entry.
    public static func write(_ regions: [Region]) throws -> URL {
        let file = TemporaryDirectory.make(prefix: "tether-regions").appendingPathComponent("regions.json")
        let entries: [[String: Any]] = try regions.map { region in
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
            var entry: [String: Any] = [
                "id": region.id, "url": region.url?.absoluteString ?? "http://127.0.0.1:\(region.port)",
                "group": region.group,
                "replicas": region.replicas, "area": ["type": "FeatureCollection", "features": features],
            ]
            if region.hasKeys, let id = RegionID(rawValue: region.id) {
                let keyring = RegionKeyring(region: id, pairs: [.generate()])
                try keyring.write(to: Self.keyFile(for: region.id, regions: file))
                entry.merge(keyring.current.publicKeys.entryFields) { _, new in new }
            }
            return entry
        }
        let document: [String: Any] = ["directory_key": Self.key, "regions": entries]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: file)
        return file
    }
}
