public import Foundation
public import TetherCore
public import TetherGeo

/// The region directory: every region server, where it listens, which jurisdiction group it
/// belongs to, the area it serves, and which regions may hold replicas of its data. Every
/// `tetherd` of a deployment reads the same file (`--regions FILE`); its format is in
/// `protocols/sync.md`.
///
/// ```swift
/// let directory = try RegionDirectory.load(from: URL(fileURLWithPath: "regions.json"))
/// let home = directory.homeRegion(for: try Coordinate(latitude: 48.14, longitude: 11.58))
/// ```
public struct RegionDirectory: Sendable {
    /// One region server.
    public struct Region: Sendable {
        /// The region's id (`eu`, `us`).
        public var id: RegionID
        /// The base URL its server answers on (`https://eu.tether.example`).
        public var url: URL
        /// The jurisdiction group (`eu`, `us`, `sg`, `in`, `cn`): data never leaves it.
        public var group: String
        /// The area it serves; a location inside it makes this the home region.
        public var area: [FenceGeometry]
        /// Regions that may hold replicas of this region's data, all in the same group.
        public var replicas: [RegionID]
        /// The region's public keys, newest first (`signing_key` and `hpke_key`, then
        /// `previous_keys`): peers accept its signatures by any of them and seal to the newest.
        /// Empty for a region without keys, which only a deployment on loopback may have.
        public var keys: [RegionPublicKeys]

        /// Creates a region entry.
        public init(
            id: RegionID,
            url: URL,
            group: String,
            area: [FenceGeometry],
            replicas: [RegionID] = [],
            keys: [RegionPublicKeys] = []
        ) {
            self.id = id
            self.url = url
            self.group = group
            self.area = area
            self.replicas = replicas
            self.keys = keys
        }

        /// Whether its URL names a loopback host (`127.0.0.1`, `::1`, `localhost`).
        public var isLoopback: Bool {
            guard let host = self.url.host?.lowercased() else { return false }
            return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        }
    }

    /// The regions, in file order (the first whose area holds a location wins).
    public let regions: [Region]
    /// The secret every region shares: it keys the email hash of directory entries and
    /// authenticates one region server to another.
    public let key: DirectoryKey
    /// Every region's area shapes in one classified index, and the region each shape belongs to.
    private let areas: FenceIndex
    private let areaRegions: [Int]
    /// The same shapes prepared, by index id, for the distance to the nearest area.
    private let preparedAreas: [PreparedFence]

    /// Validates `regions`: ids unique, replicas known and inside their region's group.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming the offending entry.
    public init(regions: [Region], key: DirectoryKey) throws(TetherError) {
        guard !regions.isEmpty else { throw .invalidField("regions", "must list at least one region") }
        var groups: [RegionID: String] = [:]
        for (index, region) in regions.enumerated() {
            guard groups.updateValue(region.group, forKey: region.id) == nil else {
                throw .invalidField("regions[\(index)].id", "\"\(region.id)\" appears twice")
            }
        }
        for (index, region) in regions.enumerated() {
            for replica in region.replicas {
                guard let group = groups[replica] else {
                    throw .invalidField("regions[\(index)].replicas", "names unknown region \"\(replica)\"")
                }
                guard group == region.group else {
                    throw .invalidField(
                        "regions[\(index)].replicas",
                        "\"\(replica)\" is in group \"\(group)\"; replicas must stay in \"\(region.group)\""
                    )
                }
            }
        }
        self.regions = regions
        self.key = key
        self.preparedAreas = regions.flatMap { $0.area.map { PreparedFence($0) } }
        self.areaRegions = regions.enumerated().flatMap { index, region in region.area.map { _ in index } }
        self.areas = FenceIndex(prepared: self.preparedAreas)
    }

    /// The directory of a server that runs alone: one region, home to every location.
    public static func standalone(_ region: RegionID, url: URL) -> RegionDirectory {
        let only = Region(id: region, url: url, group: region.rawValue, area: [])
        return try! RegionDirectory(regions: [only], key: .random())
    }

    /// The region with `id`, if the directory lists it.
    public func region(_ id: RegionID) -> Region? {
        self.regions.first { $0.id == id }
    }

    /// The home region for a phone at `location`: the first region whose area holds it, else
    /// the region whose area's edge is nearest (a ship at sea, an area left out of every map).
    ///
    /// - Complexity: O(1) for a location away from every area's edge (the areas' classified
    ///   index answers it); O(*n*) in the areas' edges otherwise.
    public func homeRegion(for location: Coordinate) -> Region {
        var first: Int?
        self.areas.forEachFence(containing: location) { area in
            first = min(first ?? .max, self.areaRegions[area])
        }
        if let first { return self.regions[first] }
        var nearest = (region: 0, distance: Double.infinity)
        for (area, prepared) in self.preparedAreas.enumerated() {
            let distance = prepared.distanceToBoundary(from: location)
            if distance < nearest.distance { nearest = (self.areaRegions[area], distance) }
        }
        return self.regions[nearest.region]
    }

    /// The regions other than `region`: the peers a region server talks to.
    public func peers(of region: RegionID) -> [Region] {
        self.regions.filter { $0.id != region }
    }
}
