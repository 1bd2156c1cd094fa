import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The account replication endpoints of replica region servers (`/v1/replication/accounts/…`).
extension PeerDirectoryClient {
    /// The replica's answers to range queries over what it holds of `home`'s accounts.
    func accountRangeSummary(
        home: RegionID,
        _ queries: [RangeQuery],
        at peer: RegionDirectory.Region
    ) async throws -> [RangeNode] {
        var nodes: [RangeNode] = []
        try await self.calling(peer) { client in
            let answer = try await client.getAccountReplicaSummary(
                body: .json(
                    .init(
                        home: home.rawValue,
                        queries: queries.map(Components.Schemas.DirectoryRangeQuery.init)
                    )
                )
            ).ok.body.json
            nodes = try answer.nodes.map(RangeNode.init(validating:))
        }
        return nodes
    }

    /// Sends one batch to the replica.
    /// - Returns: how many records it wrote and deleted.
    func sendAccountRecords(
        _ payloads: [AccountReplicaPayload],
        deleteKeys: [String] = [],
        deletePrefixes: [String] = [],
        deleteAccounts: [AccountID] = [],
        moving: AccountID? = nil,
        from home: RegionID,
        to peer: RegionDirectory.Region
    ) async throws -> (written: Int, deleted: Int) {
        var result = (written: 0, deleted: 0)
        try await self.calling(peer) { client in
            let answer = try await client.applyAccountReplicaRecords(
                body: .json(
                    .init(
                        home: home.rawValue,
                        records: payloads.map(Components.Schemas.AccountReplicaItem.init),
                        deleteKeys: deleteKeys,
                        deletePrefixes: deletePrefixes,
                        deleteAccounts: deleteAccounts.map(\.rawValue),
                        moveAccount: moving?.rawValue
                    )
                )
            ).ok.body.json
            result = (answer.written, answer.deleted)
        }
        return result
    }

    /// The boxes the replica holds of `account`'s chunks among `ids`.
    func accountChunkBoxes(
        home: RegionID,
        account: AccountID,
        ids: [String],
        at peer: RegionDirectory.Region
    ) async throws -> [(id: String, box: Data)] {
        var boxes: [(id: String, box: Data)] = []
        try await self.calling(peer) { client in
            let answer = try await client.fetchAccountReplicaChunks(
                body: .json(.init(home: home.rawValue, account: account.rawValue, ids: ids))
            ).ok.body.json
            boxes = answer.chunks.map { ($0.id, Data($0.box.data)) }
        }
        return boxes
    }
}

extension Components.Schemas.AccountReplicaItem {
    init(_ payload: AccountReplicaPayload) {
        self.init(
            account: payload.record.account.rawValue,
            kind: .init(rawValue: payload.record.kind.rawValue)!,
            name: payload.record.name,
            version: payload.record.version,
            payload: Base64EncodedData(payload.payload)
        )
    }
}

extension PeerDirectoryClient {
    /// Asks `peer` to make the account it holds a checked copy of live there.
    func adopt(
        _ account: AccountID,
        from home: RegionID,
        rootHash: String,
        accountRecords: [UInt8],
        directoryVersion: DirectoryVersion?,
        at peer: RegionDirectory.Region
    ) async throws -> Components.Schemas.AccountMoveReceipt {
        var receipt: Components.Schemas.AccountMoveReceipt?
        // `move_expired` is the one 5xx the peer answers before it may have taken the account
        // in; any other (a failure after it authored the entry) leaves the outcome in doubt.
        try await self.calling(peer, definiteServerProblems: [TetherError.moveExpired.code]) { client in
            receipt = try await client.adoptAccount(
                body: .json(
                    .init(
                        home: home.rawValue,
                        account: account.rawValue,
                        rootHash: rootHash,
                        accountRecords: Base64EncodedData(accountRecords),
                        directoryVersion: directoryVersion?.rawValue
                    )
                )
            ).ok.body.json
        }
        return receipt!
    }
}
