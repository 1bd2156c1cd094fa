import Foundation
public import TetherCore
public import TetherStore

/// The home region's side of account replication: which records its accounts are made of right
/// now, and their payloads to send to a replica.
///
/// ```swift
/// let source = AccountReplicaSource(store: store, vault: vault, transport: DataKeyTransport(…))
/// let summary = RangeSummary(records: try await source.records())
/// ```
public struct AccountReplicaSource: Sendable {
    let store: any AccountReplicaStore & BackupStore
    let vault: BackupVault
    let transport: DataKeyTransport

    /// A source over the home region's store and vault; data keys travel sealed by `transport`.
    public init(store: any AccountReplicaStore & BackupStore, vault: BackupVault, transport: DataKeyTransport) {
        self.store = store
        self.vault = vault
        self.transport = transport
    }

    /// Every record of every account homed here: its settings, and its data key, snapshots
    /// and chunks once it has backed up.
    public func records() async throws -> [AccountReplicaRecord] {
        let sequences = try await self.store.accountChangeSequences()
        let backingUp = Set(try await self.store.wrappedDataKeys().map(\.account))
        var records: [AccountReplicaRecord] = []
        for (account, seq) in sequences {
            records += try await self.records(of: account, seq: seq, backingUp: backingUp.contains(account))
        }
        return records
    }

    /// Every record of one account (none when it is not homed here).
    public func records(of account: AccountID) async throws -> [AccountReplicaRecord] {
        guard let seq = try await self.store.accountChangeSequences()[account] else { return [] }
        let backingUp = try await self.store.wrappedDataKey(account: account) != nil
        return try await self.records(of: account, seq: seq, backingUp: backingUp)
    }

    private func records(of account: AccountID, seq: Int64, backingUp: Bool) async throws -> [AccountReplicaRecord] {
        var records = [AccountReplicaRecord(account: account, kind: .settings, version: String(seq))]
        guard backingUp else { return records }
        records.append(AccountReplicaRecord(account: account, kind: .dataKey, version: "1"))
        for snapshot in try await self.store.backupSnapshots(account: account) {
            records.append(AccountReplicaRecord(account: account, kind: .snapshot, name: snapshot.id, version: "1"))
        }
        for chunk in try await self.store.backupChunks(account: account) {
            records.append(
                AccountReplicaRecord(account: account, kind: .chunk, name: chunk.id, version: String(chunk.size))
            )
        }
        return records
    }

    /// The record with its payload as it is now, for `receiver`; `nil` when it is gone (the next
    /// round deletes it at the replica). A settings record comes at the version its records were
    /// read at; a data key sealed to `receiver` alone.
    public func payload(
        for record: AccountReplicaRecord,
        to receiver: RegionDirectory.Region
    ) async throws -> AccountReplicaPayload? {
        let account = record.account
        switch record.kind {
        case .settings:
            guard let (seq, settings) = try await self.store.accountSettingsRecords(account: account) else {
                return nil
            }
            var current = record
            current.version = String(seq)
            return AccountReplicaPayload(record: current, payload: try settings.encoded())
        case .dataKey:
            guard
                let wrapped = try await self.vault.sealedDataKey(
                    account: account,
                    transport: self.transport,
                    to: receiver
                )
            else { return nil }
            return AccountReplicaPayload(record: record, payload: Array(wrapped))
        case .snapshot:
            guard let (snapshot, manifest) = try await self.store.backupSnapshot(account: account, id: record.name)
            else { return nil }
            return AccountReplicaPayload(
                record: record,
                payload: try ReplicatedSnapshot(snapshot, manifest: manifest).encoded()
            )
        case .chunk:
            guard let box = try await self.vault.sealedChunk(account: account, id: record.name) else { return nil }
            return AccountReplicaPayload(record: record, payload: Array(box))
        }
    }
}
