import Foundation
import GRDB
import Synchronization
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// Versioning the server's own setting edits compares only the records an edit touched: pairing
/// a device, renaming one or adding a fence runs as many statements in an account of 5 devices
/// as in one of 150 (it used to re-read every record of the account).
struct SettingVersioningCostTests {
    /// A store in memory, and how many statements it has run so far.
    static func countingStore() throws -> (SQLiteStore, @Sendable () -> Int) {
        let counter = Counter()
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.trace(options: .statement) { _ in counter.value.withLock { $0 += 1 } }
        }
        let store = try SQLiteStore(dbWriter: DatabaseQueue(configuration: configuration))
        return (store, { counter.value.withLock { $0 } })
    }

    final class Counter: Sendable {
        let value = Mutex(0)
    }

    /// The statements each operation runs in an account that already holds `devices` devices.
    static func statements(devices: Int) async throws -> [String: Int] {
        let (store, count) = try Self.countingStore()
        let fixtures = Fixtures(store: store)
        let account = try await fixtures.account()
        for index in 0..<devices {
            try await fixtures.device(for: account, serial: "SN-\(index)")
        }
        var costs: [String: Int] = [:]
        func measure(_ name: String, _ operation: () async throws -> Void) async throws {
            let before = count()
            try await operation()
            costs[name] = count() - before
        }
        let request = try await fixtures.pairingRequest(for: account)
        var paired: Device?
        try await measure("claim") {
            paired = try await store.claimPairingCode(
                codeHash: request.codeHash,
                claim: try DeviceClaim(serial: "SN-new", model: "TAG-1", kind: nil),
                credentialHash: "credential-new",
                now: Times.start
            )
        }
        let device = try #require(paired)
        try await measure("rename") {
            _ = try await store.renameDevice(id: device.id, account: account.id, name: "Renamed")
        }
        try await measure("rules") {
            _ = try await store.updateRuleSettings(account: account.id, RuleSettings(allowedDistanceMeters: 40))
        }
        try await measure("fence") {
            try await store.addFence(AlertSettingsCapStoreTests.fence(0, account: account), limit: 1_000)
        }
        try await measure("remove") {
            _ = try await store.removeDevice(id: device.id, account: account.id)
        }
        return costs
    }

    @Test func aServerEditCostsTheSameWhateverTheAccountHolds() async throws {
        let small = try await Self.statements(devices: 5)
        let large = try await Self.statements(devices: 150)
        #expect(small == large)
    }

    @Test func removingADeviceVersionsEverythingItTook() async throws {
        try await withStore(.sqliteMemory) { store in
            let fixtures = Fixtures(store: store)
            let account = try await fixtures.account()
            let phone = try await fixtures.device(for: account, serial: "PHONE")
            let tag = try await fixtures.device(for: account, serial: "TAG")
            _ = try await store.updateRuleSettings(
                account: account.id,
                RuleSettings(device: tag.id, allowedDistanceMeters: 40, phone: phone.id)
            )
            var fence = AlertSettingsCapStoreTests.fence(0, account: account)
            fence.device = phone.id
            try await store.addFence(fence, limit: 1_000)
            let cursor = try await store.settingChanges(account: account.id, after: 0, limit: 1_000).last?.sequence ?? 0

            _ = try await store.removeDevice(id: phone.id, account: account.id)
            let changes = try await store.settingChanges(account: account.id, after: cursor, limit: 1_000)
            let written = Set(changes.map { "\($0.key.description)=\($0.state.value)" })
            #expect(written.contains("device/\(phone.id.rawValue)/deleted=true"))
            #expect(written.contains("fence/fen_0/deleted=true"))
            #expect(written.contains("rules/\(tag.id.rawValue)/phone_id=null"))
        }
    }
}
