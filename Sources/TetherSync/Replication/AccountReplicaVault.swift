public import Foundation
public import TetherCore
public import TetherStore

/// The replica region's side of account replication: it checks what a home region sends
/// before keeping it, and serves its copies back (a chunk to repair, a summary to compare).
///
/// What it checks: settings records read as the format says and are the record's account's; the data key opens as sealed to this region (and is kept
/// re-wrapped under this region's KEK); every chunk box opens under that data key to bytes whose
/// id and size are the record's; every snapshot's manifest opens and parses. A batch with one
/// bad record stores nothing. Chunk boxes are blobs (`<data-dir>/replicas/<home>_<account>/`),
/// made durable before the rows that name them are committed.
public struct AccountReplicaVault: Sendable {
    let store: any AccountReplicaStore
    let blobs: any BlobStore
    let kek: KeyEncryptionKey
    let transport: DataKeyTransport
    let clock: @Sendable () -> Date
    /// This region (the home a moved account gets).
    let region: RegionID

    /// A vault over `store` and `blobs` for `region`; data keys arrive sealed to this region
    /// (`transport`) and are kept wrapped by `kek`.
    public init(
        region: RegionID,
        store: any AccountReplicaStore,
        blobs: any BlobStore,
        kek: KeyEncryptionKey,
        transport: DataKeyTransport,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.store = store
        self.blobs = blobs
        self.kek = kek
        self.transport = transport
        self.clock = clock
    }

    /// The range summary of the records held of `home`'s accounts.
    public func summary(home: RegionID) async throws -> RangeSummary {
        RangeSummary(entries: try await self.store.replicaRecords(home: home).map(\.record.replicaEntry))
    }

    /// How many records and accounts are held of `home`.
    public func counts(home: RegionID) async throws -> (records: Int, accounts: Int, chunks: Int) {
        let records = try await self.store.replicaRecords(home: home)
        return (
            records.count,
            Set(records.map(\.record.account)).count,
            records.count { $0.record.kind == .chunk }
        )
    }

    /// Checks and stores `payloads` from `home`, then removes the records under `deleteKeys`,
    /// `deletePrefixes` and of `deleteAccounts`, with their blobs.
    ///
    /// - Throws: `422 replica_invalid` naming `records[i]`; nothing is stored then.
    public func apply(
        home: RegionID,
        payloads: [AccountReplicaPayload],
        deleteKeys: [String] = [],
        deletePrefixes: [String] = [],
        deleteAccounts: [AccountID] = []
    ) async throws -> ReplicaApplyOutcome {
        var keys: [AccountID: AccountDataKey] = [:]
        var upserts: [StoredAccountReplica] = []
        var boxes: [(account: AccountID, id: String, box: Data)] = []
        let ordered = payloads.enumerated().sorted { $0.element.record.kind < $1.element.record.kind }
        for (index, item) in ordered {
            let record = item.record
            let field = "records[\(index)]"
            var stored: [UInt8]? = item.payload
            switch record.kind {
            case .settings:
                let settings: AccountRecords
                do {
                    settings = try AccountRecords.decode(item.payload, for: .replica)
                } catch {
                    throw TetherError.replicaInvalid(field: field, "The settings records do not read: \(error).")
                }
                guard settings.accountID == record.account else {
                    throw TetherError.replicaInvalid(field: field, "The settings records are another account's.")
                }
            case .dataKey:
                let key = try self.transport.open(
                    Data(item.payload),
                    account: record.account,
                    from: home,
                    field: field
                )
                keys[record.account] = key
                stored = Array(self.kek.id.utf8) + Array(try self.kek.wrap(key, account: record.account))
            case .chunk:
                let key = try await self.dataKey(record.account, of: home, cached: &keys, field: field)
                guard let plaintext = try? key.open(item.payload, context: record.name),
                    String(plaintext.count) == record.version,
                    key.chunkIDs.id(of: plaintext).rawValue == record.name
                else {
                    throw TetherError.replicaInvalid(
                        field: field,
                        "The box of chunk \(record.name) does not check out."
                    )
                }
                boxes.append((record.account, record.name, Data(item.payload)))
                stored = nil
            case .snapshot:
                let key = try await self.dataKey(record.account, of: home, cached: &keys, field: field)
                guard let snapshot = try? ReplicatedSnapshot.decode(item.payload), snapshot.id == record.name,
                    let manifest = try? key.open(snapshot.manifest, context: snapshot.id),
                    (try? BackupManifest.decode(manifest)) != nil
                else {
                    throw TetherError.replicaInvalid(field: field, "The manifest of \(record.name) does not check out.")
                }
            }
            upserts.append(StoredAccountReplica(key: record.replicaKey, record: record, payload: stored))
        }
        for box in boxes {
            try await self.blobs.put(box.box, account: Self.shelf(home, box.account), key: box.id)
        }
        let outcome = try await self.store.applyReplicaRecords(
            home: home,
            upserts: upserts,
            deleteKeys: deleteKeys,
            deletePrefixes: deletePrefixes,
            deleteAccounts: deleteAccounts,
            at: self.clock()
        )
        let deletedChunks = Dictionary(grouping: outcome.deleted.filter { $0.kind == .chunk }, by: \.account)
        for (account, chunks) in deletedChunks {
            try await self.blobs.delete(account: Self.shelf(home, account), keys: chunks.map(\.name))
        }
        for account in Set(outcome.deleted.filter { $0.kind == .settings }.map(\.account)) {
            try await self.blobs.deleteAll(account: Self.shelf(home, account))
        }
        return outcome
    }

    /// The boxes held of `home`'s account's chunks among `ids` (those held; others left out).
    public func chunkBoxes(home: RegionID, account: AccountID, ids: [String]) async throws -> [(id: String, box: Data)]
    {
        var boxes: [(id: String, box: Data)] = []
        for id in ids {
            guard try await self.store.replicaRecord(home: home, account: account, kind: .chunk, name: id) != nil,
                let box = try await self.blobs.get(account: Self.shelf(home, account), key: id)
            else { continue }
            boxes.append((id, box))
        }
        return boxes
    }

    /// The blob directory of the chunk boxes held of `home`'s `account`: one per home, so one
    /// home's deletion never touches what another home (the account's new one) sent.
    static func shelf(_ home: RegionID, _ account: AccountID) -> AccountID {
        AccountID(rawValue: "\(home.rawValue)_\(account.rawValue)")
    }

    /// The data key of `home`'s `account`: from this batch, else the held record (unwrapped by
    /// the KEK).
    func dataKey(
        _ account: AccountID,
        of home: RegionID,
        cached: inout [AccountID: AccountDataKey],
        field: String
    ) async throws -> AccountDataKey {
        if let key = cached[account] { return key }
        let idLength = self.kek.id.utf8.count
        guard let held = try await self.store.replicaRecord(home: home, account: account, kind: .dataKey, name: ""),
            let payload = held.payload, payload.count > idLength,
            String(decoding: payload.prefix(idLength), as: UTF8.self) == self.kek.id
        else {
            throw TetherError.replicaInvalid(field: field, "No data key is held for account \(account).")
        }
        let key = try self.kek.unwrap(Data(payload.dropFirst(idLength)), account: account)
        cached[account] = key
        return key
    }
}
