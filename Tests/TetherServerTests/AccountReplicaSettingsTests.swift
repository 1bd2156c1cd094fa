import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

/// A replica keeps a home's settings record only as account records of format 2 naming the
/// record's own account: protocol 1's rows, and another account's records, are refused whole.
struct AccountReplicaSettingsTests {
    static let home = RegionID(rawValue: "us")!
    static let account = AccountID(rawValue: "0f8fad5b-d9cb-469f-a165-70867728950e")

    static func settings(of account: AccountID) throws -> [UInt8] {
        var records = AccountRecords(purpose: .replica)
        records[.account] = [
            AccountRecordSet.account.record([
                "id": .text(account.rawValue), "email": .text("ada@example.org"),
                "password_hash": .text("$2b$04$hash"), "created_at_ms": .integer(0),
            ])
        ]
        return try records.encoded()
    }

    static func payload(_ bytes: [UInt8]) -> AccountReplicaPayload {
        AccountReplicaPayload(
            record: AccountReplicaRecord(account: Self.account, kind: .settings, version: "3"),
            payload: bytes
        )
    }

    @Test func onlyFormatTwoRecordsOfTheRecordsOwnAccountAreKept() async throws {
        let directory = TemporaryDirectory.make(prefix: "tether-replica-settings")
        defer { TemporaryDirectory.remove(directory) }
        let store = try SQLiteStore.inMemory()
        defer { try? store.close() }
        let vault = AccountReplicaVault(
            region: RegionID(rawValue: "eu")!,
            store: store,
            blobs: try FileBlobStore(root: directory),
            kek: .random(),
            transport: DataKeyTransport(
                region: RegionID(rawValue: "eu")!,
                keyring: nil,
                directoryKey: try DirectoryKey(bytes: Data(repeating: 7, count: 32))
            )
        )
        let protocolOne = #"{"tables": {"account": [{"id": {"t": "0f8fad5b-d9cb-469f-a165-70867728950e"}}]}}"#
        let another = try Self.settings(of: AccountID(rawValue: "another"))
        for refused in [Array(protocolOne.utf8), another] {
            let error = await #expect(throws: TetherError.self) {
                try await vault.apply(home: Self.home, payloads: [Self.payload(refused)])
            }
            #expect(error?.code == "replica_invalid" && error?.field == "records[0]", "\(String(describing: error))")
            #expect(try await store.replicaRecords(home: Self.home).isEmpty)
        }
        let outcome = try await vault.apply(
            home: Self.home,
            payloads: [Self.payload(try Self.settings(of: Self.account))]
        )
        #expect(outcome.written == 1)
        #expect(try await store.replicaRecords(home: Self.home).map(\.record.version) == ["3"])
    }
}
