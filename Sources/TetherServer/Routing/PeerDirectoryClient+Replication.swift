import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The replication endpoints of peer region servers (`/v1/directory/replication/…`).
extension PeerDirectoryClient {
    /// The peer's answers to range queries over its directory.
    func rangeSummary(_ queries: [RangeQuery], at peer: RegionDirectory.Region) async throws -> [RangeNode] {
        var nodes: [RangeNode] = []
        try await self.calling(peer) { client in
            let answer = try await client.getDirectoryRangeSummary(
                body: .json(.init(queries: queries.map(Components.Schemas.DirectoryRangeQuery.init)))
            ).ok.body.json
            nodes = try answer.nodes.map(RangeNode.init(validating:))
        }
        return nodes
    }

    /// The peer's records for `emailHashes`, and a page of those under `prefixes` after the
    /// key `after`; `more` when others wait under the prefixes.
    func fetch(
        emailHashes: [String],
        prefixes: [String],
        after: String? = nil,
        limit: Int? = nil,
        at peer: RegionDirectory.Region
    ) async throws -> (records: [DirectoryRecord], more: Bool) {
        var page: (records: [DirectoryRecord], more: Bool) = ([], false)
        try await self.calling(peer) { client in
            let answer = try await client.fetchDirectoryRecords(
                body: .json(.init(emailHashes: emailHashes, prefixes: prefixes, after: after, limit: limit))
            ).ok.body.json
            page = (try answer.records.map { try DirectoryRecord(validating: $0) }, answer.more ?? false)
        }
        return page
    }

    /// Sends `records` to `peer`, which applies those newer than its own.
    /// - Returns: how many changed the peer.
    @discardableResult
    func send(_ records: [DirectoryRecord], from region: RegionID, to peer: RegionDirectory.Region) async throws -> Int
    {
        var applied = 0
        try await self.calling(peer) { client in
            applied = try await client.applyDirectoryRecords(
                body: .json(.init(records: records.map(Components.Schemas.DirectoryRecord.init), from: region.rawValue))
            ).ok.body.json.applied
        }
        return applied
    }
}
