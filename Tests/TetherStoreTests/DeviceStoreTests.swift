import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

struct DeviceStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func devicesAreListedOldestPairingFirst(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let second = try await fixtures.device(for: ada, serial: "B", at: Times.at(20))
            let first = try await fixtures.device(for: ada, serial: "A", at: Times.at(10))
            let third = try await fixtures.device(for: ada, serial: "C", at: Times.at(30))
            #expect(try await store.devices(account: ada.id).map(\.serial) == [first, second, third].map(\.serial))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func devicesAreScopedToTheirOwner(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let device = try await fixtures.device(for: ada, credentialHash: "ada-credential")

            #expect(try await store.device(id: device.id, account: ada.id) == device)
            #expect(try await store.device(id: device.id, account: grace.id) == nil)
            #expect(try await store.devices(account: grace.id).isEmpty)
            #expect(try await store.renameDevice(id: device.id, account: grace.id, name: "Mine now") == nil)
            #expect(try await store.removeDevice(id: device.id, account: grace.id) == nil)
            #expect(try await store.device(id: device.id, account: ada.id) == device)
            #expect(try await store.device(credentialHash: "ada-credential") == device)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func renamingChangesOnlyTheName(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada)
            let renamed = try #require(try await store.renameDevice(id: device.id, account: ada.id, name: "Keys"))
            var expected = device
            expected.name = "Keys"
            #expect(renamed == expected)
            #expect(try await store.device(id: device.id, account: ada.id) == expected)
            #expect(try await store.renameDevice(id: .random(), account: ada.id, name: "Keys") == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func removingADeviceRevokesItsCredential(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada, credentialHash: "credential")
            let kept = try await fixtures.device(for: ada, credentialHash: "kept")

            #expect(try await store.removeDevice(id: device.id, account: ada.id) == device)
            #expect(try await store.device(credentialHash: "credential") == nil)
            #expect(try await store.device(id: device.id, account: ada.id) == nil)
            #expect(try await store.devices(account: ada.id) == [kept])
            #expect(try await store.removeDevice(id: device.id, account: ada.id) == nil)
            // The pairing code that paired it stays claimed, without a device.
            let export = try #require(try await store.exportAccount(id: ada.id))
            #expect(export.pairingRequests.filter { $0.claimedAt != nil }.count == 2)
            #expect(export.pairingRequests.compactMap(\.claimedBy) == [kept.id])
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func markingSeenRecordsTheTime(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let device = try await fixtures.device(for: ada, credentialHash: "credential")
            try await store.markSeen(device: device.id, at: Times.at(42))
            #expect(try await store.device(credentialHash: "credential")?.lastSeen == Times.at(42))
            try await store.markSeen(device: device.id, at: Times.at(43))
            #expect(try await store.device(id: device.id, account: ada.id)?.lastSeen == Times.at(43))
        }
    }
}
