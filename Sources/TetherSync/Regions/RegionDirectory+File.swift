public import Foundation
public import TetherCore
import TetherGeo

extension RegionDirectory {
    /// Reads a region directory file (JSON, format in `protocols/sync.md`).
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming what is wrong, or the file's read error.
    public static func load(from file: URL) throws -> RegionDirectory {
        try self.decode(Data(contentsOf: file))
    }

    /// Parses a region directory document.
    ///
    /// - Throws: ``TetherError/invalidField(_:_:)`` naming what is wrong.
    public static func decode(_ data: Data) throws(TetherError) -> RegionDirectory {
        let file: DirectoryFile
        do {
            file = try JSONDecoder().decode(DirectoryFile.self, from: data)
        } catch let error as GeoError {
            throw .invalidField("area", error.description)
        } catch let error as TetherError {
            throw error
        } catch {
            throw .invalidField("regions", "is not a valid region directory: \(error)")
        }
        guard let keyBytes = Data(base64Encoded: file.directoryKey) else {
            throw .invalidField("directory_key", "must be base64")
        }
        var regions: [Region] = []
        for (index, entry) in file.regions.enumerated() {
            let field = "regions[\(index)]"
            let id = try RegionID(validating: entry.id, field: "\(field).id")
            guard let url = URL(string: entry.url), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw .invalidField("\(field).url", "must be an http or https URL")
            }
            guard RegionID(rawValue: entry.group) != nil else {
                throw .invalidField("\(field).group", "must be 1-32 lower-case letters, digits or '-'")
            }
            let replicas = try (entry.replicas ?? []).map { text throws(TetherError) in
                try RegionID(validating: text, field: "\(field).replicas")
            }
            regions.append(
                Region(
                    id: id,
                    url: url,
                    group: entry.group,
                    area: entry.area?.fences ?? [],
                    replicas: replicas,
                    keys: try Self.keys(of: entry, field: field)
                )
            )
        }
        return try RegionDirectory(regions: regions, key: DirectoryKey(bytes: keyBytes))
    }

    /// An entry's keys, newest first; none when it names none.
    private static func keys(of entry: DirectoryFile.Entry, field: String) throws(TetherError) -> [RegionPublicKeys] {
        switch (entry.signingKey, entry.hpkeKey) {
        case (nil, nil):
            guard (entry.previousKeys ?? []).isEmpty else {
                throw .invalidField("\(field).previous_keys", "needs signing_key and hpke_key beside it")
            }
            return []
        case (let signing?, let hpke?):
            var keys = [try RegionPublicKeys(signingKey: signing, hpkeKey: hpke, field: field)]
            for (index, previous) in (entry.previousKeys ?? []).enumerated() {
                keys.append(
                    try RegionPublicKeys(
                        signingKey: previous.signingKey,
                        hpkeKey: previous.hpkeKey,
                        field: "\(field).previous_keys[\(index)]"
                    )
                )
            }
            return keys
        default:
            throw .invalidField(entry.signingKey == nil ? "\(field).signing_key" : "\(field).hpke_key", "is missing")
        }
    }
}

/// The file's JSON shape.
private struct DirectoryFile: Decodable {
    struct Entry: Decodable {
        var id: String
        var url: String
        var group: String
        var area: FenceCollection?
        var replicas: [String]?
        var signingKey: String?
        var hpkeKey: String?
        var previousKeys: [KeyPairFields]?

        enum CodingKeys: String, CodingKey {
            case id, url, group, area, replicas
            case signingKey = "signing_key"
            case hpkeKey = "hpke_key"
            case previousKeys = "previous_keys"
        }
    }

    var directoryKey: String
    var regions: [Entry]

    enum CodingKeys: String, CodingKey {
        case directoryKey = "directory_key"
        case regions
    }
}
