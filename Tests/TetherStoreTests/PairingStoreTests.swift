import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

struct PairingStoreTests {
    private func claim(_ serial: String = "SN-1", name: String? = nil) throws -> DeviceClaim {
        try DeviceClaim(serial: serial, model: "TAG-1", kind: .tracker, name: name, softwareVersion: "1.0")
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func claimingPairsTheDeviceAndMarksTheCodeClaimed(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let request = try await fixtures.pairingRequest(for: ada, codeHash: "code-1")

            let device = try await store.claimPairingCode(
                codeHash: "code-1",
                claim: try self.claim(name: "Keys"),
                credentialHash: "credential-1",
                now: Times.at(30)
            )

            #expect(device.owner == ada.id)
            #expect(device.serial == "SN-1")
            #expect(device.name == "Keys")
            #expect(device.softwareVersion == "1.0")
            #expect(device.pairedAt == Times.at(30))
            #expect(device.lastSeen == nil)
            #expect(try await store.devices(account: ada.id) == [device])
            #expect(try await store.device(credentialHash: "credential-1") == device)
            let claimed = try #require(try await store.pairingRequest(id: request.id, account: ada.id))
            #expect(claimed.claimedAt == Times.at(30))
            #expect(claimed.claimedBy == device.id)
            #expect(claimed.state(at: Times.at(31)) == .claimed)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anUnknownCodeIsNotFoundAndChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            try await fixtures.pairingRequest(for: ada, codeHash: "code-1")
            let before = try await StoreSnapshot(store, accounts: [ada])

            await #expect(throws: TetherError.pairingCodeNotFound) {
                try await store.claimPairingCode(
                    codeHash: "code-2",
                    claim: try self.claim(),
                    credentialHash: "c",
                    now: Times.start
                )
            }
            #expect(try await StoreSnapshot(store, accounts: [ada]) == before)
            #expect(try await store.device(credentialHash: "c") == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aUsedCodeIsRefusedAndChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            try await fixtures.pairingRequest(for: ada, codeHash: "code-1")
            _ = try await store.claimPairingCode(
                codeHash: "code-1",
                claim: try self.claim("SN-1"),
                credentialHash: "c1",
                now: Times.at(1)
            )
            let before = try await StoreSnapshot(store, accounts: [ada])

            await #expect(throws: TetherError.pairingCodeUsed) {
                try await store.claimPairingCode(
                    codeHash: "code-1",
                    claim: try self.claim("SN-2"),
                    credentialHash: "c2",
                    now: Times.at(2)
                )
            }
            #expect(try await StoreSnapshot(store, accounts: [ada]) == before)
            #expect(try await store.device(credentialHash: "c2") == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anExpiredCodeIsGoneAndChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let request = try await fixtures.pairingRequest(for: ada, codeHash: "code-1", lifetime: 600)
            let before = try await StoreSnapshot(store, accounts: [ada])

            await #expect(throws: TetherError.pairingCodeExpired) {
                try await store.claimPairingCode(
                    codeHash: "code-1",
                    claim: try self.claim(),
                    credentialHash: "c",
                    now: Times.at(600)
                )
            }
            #expect(try await StoreSnapshot(store, accounts: [ada]) == before)
            #expect(try await store.pairingRequest(id: request.id, account: ada.id)?.claimedAt == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aSerialOfAnotherAccountIsRefusedAndChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let adaDevice = try await fixtures.device(for: ada, serial: "SN-1", credentialHash: "ada-credential")
            let request = try await fixtures.pairingRequest(for: grace, codeHash: "grace-code")
            let before = try await StoreSnapshot(store, accounts: [ada, grace])

            await #expect(throws: TetherError.serialTaken) {
                try await store.claimPairingCode(
                    codeHash: "grace-code",
                    claim: try self.claim("SN-1"),
                    credentialHash: "grace-credential",
                    now: Times.at(5)
                )
            }
            #expect(try await StoreSnapshot(store, accounts: [ada, grace]) == before)
            #expect(try await store.device(credentialHash: "ada-credential") == adaDevice)
            #expect(try await store.device(credentialHash: "grace-credential") == nil)
            #expect(
                try await store.pairingRequest(id: request.id, account: grace.id)?.state(at: Times.at(6)) == .pending
            )
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func rePairingBySameAccountKeepsTheIdAndReplacesTheCredential(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            let first = try await fixtures.device(for: ada, serial: "SN-1", credentialHash: "old", at: Times.at(0))
            _ = try await store.renameDevice(id: first.id, account: ada.id, name: "Keys")
            try await store.markSeen(device: first.id, at: Times.at(50))
            try await fixtures.pairingRequest(for: ada, codeHash: "code-2", at: Times.at(100))

            let second = try await store.claimPairingCode(
                codeHash: "code-2",
                claim: try DeviceClaim(serial: "SN-1", model: "TAG-2", kind: .tracker, softwareVersion: "2.0"),
                credentialHash: "new",
                now: Times.at(110)
            )

            #expect(second.id == first.id)
            #expect(second.model == "TAG-2")
            #expect(second.softwareVersion == "2.0")
            #expect(second.name == "Keys")
            #expect(second.pairedAt == Times.at(110))
            #expect(try await store.device(credentialHash: "old") == nil)
            #expect(try await store.device(credentialHash: "new")?.id == first.id)
            #expect(try await store.devices(account: ada.id).map(\.id) == [first.id])
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentClaimsOfOneCodePairOneDevice(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account()
            try await fixtures.pairingRequest(for: ada, codeHash: "code-1")
            let claims = try (0..<8).map { try self.claim("SN-\($0)") }
            let errors = await withTaskGroup(of: TetherError?.self) { group in
                for (index, claim) in claims.enumerated() {
                    group.addTask {
                        do {
                            _ = try await store.claimPairingCode(
                                codeHash: "code-1",
                                claim: claim,
                                credentialHash: "credential-\(index)",
                                now: Times.at(1)
                            )
                            return nil
                        } catch {
                            return error as? TetherError ?? .internalError
                        }
                    }
                }
                return await group.reduce(into: [TetherError?]()) { $0.append($1) }
            }
            #expect(errors.filter { $0 == nil }.count == 1)
            #expect(errors.compactMap { $0 } == Array(repeating: .pairingCodeUsed, count: 7))
            #expect(try await store.devices(account: ada.id).count == 1)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func pairingRequestsAreScopedToTheirAccount(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let request = try await fixtures.pairingRequest(for: ada)
            #expect(try await store.pairingRequest(id: request.id, account: ada.id) == request)
            #expect(try await store.pairingRequest(id: request.id, account: grace.id) == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func recentPairingRequestsAreCountedSinceADate(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            for seconds in [0.0, 100, 200] {
                try await fixtures.pairingRequest(for: ada, at: Times.at(seconds))
            }
            try await fixtures.pairingRequest(for: grace, at: Times.at(150))

            #expect(
                try await fixtures.pairingRequestTimes(ada, since: Times.at(100)) == [
                    Times.at(100), Times.at(200),
                ]
            )
            #expect(try await fixtures.pairingRequestTimes(ada, since: Times.at(201)).isEmpty)
            #expect(try await fixtures.pairingRequestTimes(grace, since: Times.start) == [Times.at(150)])
        }
    }
}
