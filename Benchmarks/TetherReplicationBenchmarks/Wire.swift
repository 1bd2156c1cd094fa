import Foundation
import TetherCore
import TetherStore
import TetherSync

// The JSON bodies of the directory's replication endpoints (protocols/openapi.yaml), as the
// server and its peers encode them, for counting bytes.

/// Encodes and decodes bodies, counting their bytes.
struct Wire {
    private(set) var bytes = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }()
    private let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// `body` after a trip through JSON.
    mutating func carry<Body: Codable>(_ body: Body) -> Body {
        let data = try! self.encoder.encode(body)
        self.bytes += data.count
        return try! self.decoder.decode(Body.self, from: data)
    }
}

struct WireQueries: Codable {
    struct Query: Codable {
        var prefix: String
        var wantsEntries: Bool
    }
    var queries: [Query]

    init(_ queries: [RangeQuery]) {
        self.queries = queries.map { Query(prefix: $0.prefix, wantsEntries: $0.wantsEntries) }
    }

    var decoded: [RangeQuery] { self.queries.map { RangeQuery(prefix: $0.prefix, wantsEntries: $0.wantsEntries) } }
}

struct WireNodes: Codable {
    struct Child: Codable {
        var count: Int
        var hash: String
    }
    struct Entry: Codable {
        var key: String
        var digest: String
    }
    struct Node: Codable {
        var prefix: String
        var count: Int
        var hash: String
        var children: [Child]?
        var entries: [Entry]?
    }
    var nodes: [Node]

    init(_ nodes: [RangeNode]) {
        self.nodes = nodes.map { node in
            Node(
                prefix: node.prefix,
                count: node.count,
                hash: node.hash.hex,
                children: node.children?.map { Child(count: $0.count, hash: $0.hash.hex) },
                entries: node.entries?.map { Entry(key: $0.key, digest: $0.digest.hex) }
            )
        }
    }

    var decoded: [RangeNode] {
        self.nodes.map { node in
            RangeNode(
                prefix: node.prefix,
                count: node.count,
                hash: ReplicaDigest(hex: node.hash)!,
                children: node.children?.map { RangeChild(count: $0.count, hash: ReplicaDigest(hex: $0.hash)!) },
                entries: node.entries?.map { ReplicaEntry(key: $0.key, digest: ReplicaDigest(hex: $0.digest)!) }
            )
        }
    }
}

struct WireFetch: Codable {
    var emailHashes: [String]
    var prefixes: [String]

    init(hashes: [String], prefixes: [String]) {
        self.emailHashes = hashes
        self.prefixes = prefixes
    }

    var hashes: [String] { self.emailHashes }
}

struct WireRecords: Codable {
    struct Record: Codable {
        var emailHash: String
        var region: String
        var state: String
        var version: Int64
    }
    var records: [Record]

    init(_ records: [DirectoryRecord]) {
        self.records = records.map {
            Record(
                emailHash: $0.emailHash,
                region: $0.region.rawValue,
                state: $0.state.rawValue,
                version: $0.version.rawValue
            )
        }
    }

    var decoded: [DirectoryRecord] {
        self.records.map {
            DirectoryRecord(
                emailHash: $0.emailHash,
                region: RegionID(rawValue: $0.region)!,
                state: DirectoryRecord.State(rawValue: $0.state)!,
                version: DirectoryVersion(rawValue: $0.version)
            )
        }
    }
}
