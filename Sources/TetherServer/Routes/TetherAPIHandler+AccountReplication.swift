import Foundation
import OpenAPIRuntime
import TetherAPI
import TetherCore
import TetherStore
import TetherSync

/// The replica side of account replication (`protocols/sync.md`, "Replication of account
/// data"): home regions walk its summary, send their records and fetch chunk boxes back.
extension TetherAPIHandler {
    func getAccountReplicaSummary(
        _ input: Operations.GetAccountReplicaSummary.Input
    ) async throws
        -> Operations.GetAccountReplicaSummary.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let home = try self.knownRegion(body.home)
        try self.requirePeer(actingFor: home, field: "home")
        let replicas = try self.accountReplicas()
        try replicas.requireReplica(of: home)
        guard body.queries.count <= Self.maxReplicationItems else {
            throw TetherError.invalidField("queries", "at most \(Self.maxReplicationItems)")
        }
        let queries = try body.queries.map { query throws(TetherError) in try RangeQuery(validating: query) }
        let summary = try await replicas.vault.summary(home: home)
        return .ok(
            .init(body: .json(.init(nodes: summary.answer(queries).map(Components.Schemas.DirectoryRangeNode.init))))
        )
    }

    func applyAccountReplicaRecords(
        _ input: Operations.ApplyAccountReplicaRecords.Input
    ) async throws
        -> Operations.ApplyAccountReplicaRecords.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let home = try self.knownRegion(body.home)
        try self.requirePeer(actingFor: home, field: "home")
        let replicas = try self.accountReplicas()
        let payloads = try body.records.enumerated().map { index, item throws(TetherError) in
            try AccountReplicaPayload(validating: item, field: "records[\(index)]")
        }
        if let moving = body.moveAccount {
            // A move: the owner asked, so the residency policy does not apply, to that account only.
            let account = try Self.accountID(moving, field: "move_account")
            if let index = payloads.firstIndex(where: { $0.record.account != account }) {
                throw TetherError.invalidField("records[\(index)].account", "must be the moving account")
            }
            guard (body.deleteKeys ?? []).isEmpty, (body.deletePrefixes ?? []).isEmpty,
                (body.deleteAccounts ?? []).allSatisfy({ $0 == moving })
            else { throw TetherError.invalidField("move_account", "a move deletes nothing but its own copy") }
        } else {
            try replicas.requireReplica(of: home)
        }
        let deleteKeys = try (body.deleteKeys ?? []).map { try Self.hexDigest($0, field: "delete_keys") }
        let deletePrefixes = try (body.deletePrefixes ?? []).map { prefix throws(TetherError) in
            try RangeQuery(validating: .init(prefix: prefix, wantsEntries: false)).prefix
        }
        let deleteAccounts = try (body.deleteAccounts ?? []).map { try Self.accountID($0, field: "delete_accounts") }
        let outcome = try await replicas.vault.apply(
            home: home,
            payloads: payloads,
            deleteKeys: deleteKeys,
            deletePrefixes: deletePrefixes,
            deleteAccounts: deleteAccounts
        )
        return .ok(.init(body: .json(.init(written: outcome.written, deleted: outcome.deleted.count))))
    }

    func fetchAccountReplicaChunks(
        _ input: Operations.FetchAccountReplicaChunks.Input
    ) async throws
        -> Operations.FetchAccountReplicaChunks.Output
    {
        try self.requirePeer()
        guard case .json(let body) = input.body else { throw TetherError.malformedBody("Expected a JSON body.") }
        let home = try self.knownRegion(body.home)
        try self.requirePeer(actingFor: home, field: "home")
        let replicas = try self.accountReplicas()
        try replicas.requireReplica(of: home)
        guard body.ids.count <= 64 else { throw TetherError.invalidField("ids", "at most 64 per request") }
        let ids = try body.ids.map { try Self.hexDigest($0, field: "ids") }
        let boxes = try await replicas.vault.chunkBoxes(
            home: home,
            account: try Self.accountID(body.account, field: "account"),
            ids: ids
        )
        return .ok(.init(body: .json(.init(chunks: boxes.map { .init(id: $0.id, box: .init(Array($0.box))) }))))
    }

    func getAccountReplicationStatus(
        _ input: Operations.GetAccountReplicationStatus.Input
    ) async throws
        -> Operations.GetAccountReplicationStatus.Output
    {
        try self.requirePeer()
        let replicas = try self.accountReplicas()
        var held: [Components.Schemas.AccountReplicationStatus.HeldPayloadPayload] = []
        for home in replicas.homes {
            let counts = try await replicas.vault.counts(home: home.id)
            let summary = try await replicas.vault.summary(home: home.id)
            held.append(
                .init(
                    home: home.id.rawValue,
                    records: counts.records,
                    accounts: counts.accounts,
                    chunks: counts.chunks,
                    rootHash: summary.root.hash.hex
                )
            )
        }
        let ledger = await replicas.ledger.replicas
        let sent = replicas.replicaRegions.map { replica in
            let totals = ledger[replica.id] ?? AccountReplicationLedger.Totals()
            return Components.Schemas.AccountReplicationStatus.ReplicasPayloadPayload(
                peer: replica.id.rawValue,
                rounds: totals.rounds,
                recordsSent: totals.sent,
                recordsDeleted: totals.deleted,
                bytesSent: totals.bytes,
                lastRootHash: totals.lastRootHash,
                lastError: totals.lastError
            )
        }
        return .ok(.init(body: .json(.init(region: self.routing.region.rawValue, held: held, replicas: sent))))
    }

    /// Account replication, or `503 replication_unavailable` on a server without backups.
    func accountReplicas() throws(TetherError) -> AccountReplicas {
        guard let replicas = self.replicas else {
            throw TetherError(
                code: "replication_unavailable",
                kind: .unavailable,
                detail: "This server keeps no backups, so it neither sends nor holds account replicas."
            )
        }
        return replicas
    }

    static func accountID(_ text: String, field: String) throws(TetherError) -> AccountID {
        guard !text.isEmpty, text.utf8.count <= 64,
            text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) || $0 == 45 })
        else { throw .invalidField(field, "must be an account id") }
        return AccountID(rawValue: text)
    }
}

extension AccountReplicaPayload {
    /// Reads a record a home region sent.
    init(validating item: Components.Schemas.AccountReplicaItem, field: String) throws(TetherError) {
        guard let kind = AccountReplicaRecord.Kind(rawValue: item.kind.rawValue) else {
            throw .invalidField("\(field).kind", "is not a record kind")
        }
        let account = try TetherAPIHandler.accountID(item.account, field: "\(field).account")
        switch kind {
        case .settings, .dataKey:
            guard item.name.isEmpty else { throw .invalidField("\(field).name", "must be empty for \(kind.rawValue)") }
        case .chunk:
            _ = try ChunkID(validating: item.name, field: "\(field).name")
        case .snapshot:
            guard !item.name.isEmpty, item.name.utf8.count <= 64 else {
                throw .invalidField("\(field).name", "must be a snapshot id")
            }
        }
        guard !item.version.isEmpty, item.version.utf8.count <= 32 else {
            throw .invalidField("\(field).version", "must be 1 to 32 characters")
        }
        self.init(
            record: AccountReplicaRecord(account: account, kind: kind, name: item.name, version: item.version),
            payload: Array(item.payload.data)
        )
    }
}
