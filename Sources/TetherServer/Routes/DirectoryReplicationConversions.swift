import Foundation
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

// Directory records and range summaries between their wire form and TetherStore / TetherSync.

extension Components.Schemas.DirectoryRecord {
    init(_ record: DirectoryRecord) {
        self.init(
            emailHash: record.emailHash,
            region: record.region.rawValue,
            state: record.state == .confirmed ? .confirmed : .deleted,
            version: record.version.rawValue,
            signature: record.signature?.base64EncodedString()
        )
    }
}

extension DirectoryRecord {
    /// Reads a record, refusing a malformed hash or region.
    init(validating wire: Components.Schemas.DirectoryRecord) throws {
        self.init(
            emailHash: try TetherAPIHandler.hexDigest(wire.emailHash, field: "email_hash"),
            region: try RegionID(validating: wire.region, field: "region"),
            state: wire.state == .confirmed ? .confirmed : .deleted,
            version: DirectoryVersion(rawValue: wire.version),
            signature: try wire.signature.map { text throws(TetherError) in
                guard let bytes = Data(base64Encoded: text) else {
                    throw .invalidField("signature", "must be base64")
                }
                return bytes
            }
        )
    }
}

extension Components.Schemas.DirectoryRangeQuery {
    init(_ query: RangeQuery) {
        self.init(prefix: query.prefix, wantsEntries: query.wantsEntries)
    }
}

extension RangeQuery {
    /// Reads a query, refusing a prefix that is not lower-case hex.
    init(validating wire: Components.Schemas.DirectoryRangeQuery) throws(TetherError) {
        guard wire.prefix.utf8.count <= 64,
            wire.prefix.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { throw .invalidField("prefix", "must be lower-case hex digits") }
        self.init(prefix: wire.prefix, wantsEntries: wire.wantsEntries)
    }
}

extension Components.Schemas.DirectoryRangeNode {
    init(_ node: RangeNode) {
        self.init(
            prefix: node.prefix,
            count: node.count,
            hash: node.hash.hex,
            children: node.children?.map { .init(count: $0.count, hash: $0.hash.hex) },
            entries: node.entries?.map { .init(key: $0.key, digest: $0.digest.hex) }
        )
    }
}

extension RangeNode {
    /// Reads a node a peer answered with.
    init(validating wire: Components.Schemas.DirectoryRangeNode) throws(TetherError) {
        func digest(_ hex: String) throws(TetherError) -> ReplicaDigest {
            guard let digest = ReplicaDigest(hex: hex) else { throw .invalidField("hash", "must be 64 hex digits") }
            return digest
        }
        var children: [RangeChild]?
        if let wireChildren = wire.children {
            children = []
            for child in wireChildren { children?.append(RangeChild(count: child.count, hash: try digest(child.hash))) }
        }
        var entries: [ReplicaEntry]?
        if let wireEntries = wire.entries {
            entries = []
            for entry in wireEntries { entries?.append(ReplicaEntry(key: entry.key, digest: try digest(entry.digest))) }
        }
        self.init(
            prefix: wire.prefix,
            count: wire.count,
            hash: try digest(wire.hash),
            children: children,
            entries: entries
        )
    }
}
