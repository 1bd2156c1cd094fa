import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

struct AccountStoreTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func createdAccountsAreFoundByIdAndEmail(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")

            #expect(try await store.account(id: ada.id) == ada)
            #expect(try await store.account(id: grace.id) == grace)
            #expect(try await store.account(id: .random()) == nil)

            let signIn = try #require(try await store.accountForSignIn(email: EmailAddress(" ADA@example.org")))
            #expect(signIn.account == ada)
            #expect(signIn.passwordHash == "$2b$04$hash-of-ada@example.org")
            #expect(try await store.accountForSignIn(email: EmailAddress("nobody@example.org")) == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func duplicateEmailIsRefusedAndChangesNothing(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let before = try await StoreSnapshot(store, accounts: [ada])

            await #expect(throws: TetherError.emailTaken) {
                try await fixtures.account("Ada@Example.org")
            }
            #expect(try await StoreSnapshot(store, accounts: [ada]) == before)
            #expect(try await store.accountForSignIn(email: EmailAddress("ada@example.org"))?.account.id == ada.id)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func anAccountAndItsFirstSessionAreStoredTogether(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let ada = try Fixtures.newAccount("ada@example.org")
            let session = Fixtures.newSession(for: ada, tag: "first")
            try await store.createAccount(ada, passwordHash: "hash", signup: SignupHint(), session: session)

            #expect(try await store.account(id: ada.id) == ada)
            #expect(try await store.session(accessTokenHash: "access-first") == session)
            #expect(try await store.exportAccount(id: ada.id)?.sessions == [session])
            let statistics = try await store.statistics(now: Times.start)
            #expect(statistics == ServiceStatistics(accounts: 1, devices: 0, activeSessions: 1))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aTakenEmailStoresNeitherTheAccountNorItsSession(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let ada = try await Fixtures(store: store).account("ada@example.org")
            let before = try await StoreSnapshot(store, accounts: [ada])
            let impostor = try Fixtures.newAccount("Ada@Example.org")
            let session = Fixtures.newSession(for: impostor, tag: "impostor")

            await #expect(throws: TetherError.emailTaken) {
                try await store.createAccount(impostor, passwordHash: "hash", signup: SignupHint(), session: session)
            }
            #expect(try await StoreSnapshot(store, accounts: [ada]) == before)
            #expect(try await store.account(id: impostor.id) == nil)
            #expect(try await store.session(accessTokenHash: "access-impostor") == nil)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aSessionThatCannotBeStoredLeavesNoAccount(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let existing = try await fixtures.session(for: ada, tag: "shared")
            let grace = try Fixtures.newAccount("grace@example.org")
            // Token digests are unique: this session's insert fails after the account's.
            let clash = Fixtures.newSession(for: grace, tag: "shared")

            await #expect(throws: (any Error).self) {
                try await store.createAccount(grace, passwordHash: "hash", signup: SignupHint(), session: clash)
            }
            #expect(try await store.account(id: grace.id) == nil)
            #expect(try await store.accountForSignIn(email: grace.email) == nil)
            #expect(try await store.session(accessTokenHash: "access-shared") == existing)
            // The email is still free.
            try await fixtures.account("grace@example.org")
        }
    }

    @Test(arguments: StoreBackendUnderTest.pooled)
    func concurrentRegistrationsOfOneEmailCreateOneAccount(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        do {
                            try await fixtures.account("race@example.org")
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            let statistics = try await store.statistics(now: Times.start)
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(statistics.accounts == 1)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func deletingAnAccountRemovesEverythingItOwned(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let session = try await fixtures.session(for: ada, tag: "ada")
            let device = try await fixtures.device(for: ada, serial: "ADA-1", credentialHash: "ada-credential")
            let pending = try await fixtures.pairingRequest(for: ada)
            let graceSession = try await fixtures.session(for: grace, tag: "grace")
            let graceDevice = try await fixtures.device(
                for: grace,
                serial: "GRACE-1",
                credentialHash: "grace-credential"
            )
            let graceBefore = try await store.exportAccount(id: grace.id)

            #expect(try await store.deleteAccount(id: ada.id))

            #expect(try await store.account(id: ada.id) == nil)
            #expect(try await store.accountForSignIn(email: ada.email) == nil)
            #expect(try await store.exportAccount(id: ada.id) == nil)
            #expect(try await store.session(accessTokenHash: session.accessTokenHash) == nil)
            #expect(try await store.device(credentialHash: "ada-credential") == nil)
            #expect(try await store.device(id: device.id, account: ada.id) == nil)
            #expect(try await store.devices(account: ada.id).isEmpty)
            #expect(try await store.pairingRequest(id: pending.id, account: ada.id) == nil)
            #expect(try await fixtures.pairingRequestTimes(ada).isEmpty)
            let refreshed = try await store.rotateSession(refreshTokenHash: session.refreshTokenHash, now: Times.start)
            {
                $0.accessTokenHash = "stolen"
            }
            #expect(refreshed == nil)

            // The other account is untouched.
            #expect(try await store.exportAccount(id: grace.id) == graceBefore)
            #expect(try await store.session(accessTokenHash: graceSession.accessTokenHash) == graceSession)
            #expect(try await store.device(credentialHash: "grace-credential")?.id == graceDevice.id)
            let statistics = try await store.statistics(now: Times.start)
            #expect(statistics == ServiceStatistics(accounts: 1, devices: 1, activeSessions: 1))
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func deletingAnAccountForgetsTheFailedSignInsOfItsEmail(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            let nobody = try EmailAddress("nobody@example.org")
            for email in [ada.email, ada.email, grace.email, nobody] {
                try await fixtures.failedSignIn(email, from: "198.51.100.1", at: Times.at(1))
            }

            #expect(try await store.deleteAccount(id: ada.id))

            #expect(try await fixtures.failedSignIns(ada.email).isEmpty)
            #expect(try await fixtures.failedSignIns(grace.email) == [Times.at(1)])
            #expect(try await fixtures.failedSignIns(nobody) == [Times.at(1)])
            #expect(try await store.exportAccount(id: grace.id)?.failedSignIns == [Times.at(1)])
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func deletingAnUnknownAccountReportsFalse(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let ada = try await Fixtures(store: store).account()
            #expect(try await store.deleteAccount(id: .random()) == false)
            #expect(try await store.deleteAccount(id: ada.id))
            #expect(try await store.deleteAccount(id: ada.id) == false)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func aDeletedEmailCanRegisterAgain(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let first = try await fixtures.account("ada@example.org")
            #expect(try await store.deleteAccount(id: first.id))
            let second = try await fixtures.account("ada@example.org")
            #expect(second.id != first.id)
            #expect(try await store.accountForSignIn(email: first.email)?.account.id == second.id)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func exportHoldsTheAccountsRecordsOnly(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let signup = SignupHint(
                location: try SignupLocation(latitude: 48.8566, longitude: 2.3522),
                requestedRegion: RegionID(rawValue: "eu")
            )
            let ada = try await fixtures.account("ada@example.org", signup: signup)
            let grace = try await fixtures.account("grace@example.org")
            let first = try await fixtures.session(for: ada, at: Times.at(0))
            let second = try await fixtures.session(for: ada, at: Times.at(60))
            let device = try await fixtures.device(for: ada, at: Times.at(10))
            let pending = try await fixtures.pairingRequest(for: ada, at: Times.at(20))
            try await fixtures.session(for: grace)
            try await fixtures.device(for: grace)

            let export = try #require(try await store.exportAccount(id: ada.id))
            #expect(export.account == ada)
            #expect(export.signup == signup)
            #expect(export.sessions == [first, second])
            #expect(export.devices == [device])
            #expect(export.pairingRequests.count == 2)
            #expect(export.pairingRequests.first?.claimedBy == device.id)
            #expect(export.pairingRequests.last == pending)
            #expect(export.pairingRequests.allSatisfy { $0.account == ada.id })
            #expect(export.failedSignIns.isEmpty)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func exportHoldsTheFailedSignInsOfTheAccountsEmailOldestFirst(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try await fixtures.account("ada@example.org")
            let grace = try await fixtures.account("grace@example.org")
            try await fixtures.failedSignIn(ada.email, from: "198.51.100.1", at: Times.at(30))
            try await fixtures.failedSignIn(grace.email, from: "198.51.100.1", at: Times.at(15))
            try await fixtures.failedSignIn(EmailAddress("ADA@example.org "), from: "198.51.100.1", at: Times.at(10))
            _ = try await store.beginSignInAttempt(
                email: ada.email,
                address: "198.51.100.1",
                at: Times.at(40),
                after: .distantPast
            ) {
                _ in .allowed
            }

            #expect(
                try await store.exportAccount(id: ada.id)?.failedSignIns == [Times.at(10), Times.at(30), Times.at(40)]
            )
            #expect(try await store.exportAccount(id: grace.id)?.failedSignIns == [Times.at(15)])
            try await store.clearFailedSignIns(email: ada.email, address: "198.51.100.1")
            #expect(try await store.exportAccount(id: ada.id)?.failedSignIns.isEmpty == true)
        }
    }

    @Test(arguments: StoreBackendUnderTest.allCases)
    func theSignInRuleSeesAnEmailsFailuresAfterTheWindowStart(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            let fixtures = Fixtures(store: store)
            let ada = try EmailAddress("ada@example.org")
            let grace = try EmailAddress("grace@example.org")
            for seconds in [0.0, 10, 20] {
                try await fixtures.failedSignIn(ada, from: "198.51.100.1", at: Times.at(seconds))
            }
            try await fixtures.failedSignIn(grace, from: "198.51.100.1", at: Times.at(15))

            #expect(
                try await fixtures.failedSignIns(ada, after: Times.at(-1)) == [
                    Times.at(0), Times.at(10), Times.at(20),
                ]
            )
            #expect(try await fixtures.failedSignIns(ada, after: Times.at(5)) == [Times.at(10), Times.at(20)])
            // A failure at the window's start no longer counts.
            #expect(try await fixtures.failedSignIns(EmailAddress("ADA@example.org"), after: Times.at(20)).isEmpty)
            #expect(try await fixtures.failedSignIns(grace, after: Times.at(-1)) == [Times.at(15)])

            // Clearing forgets the email's failures from one address only.
            try await fixtures.failedSignIn(ada, from: "203.0.113.9", at: Times.at(25))
            try await store.clearFailedSignIns(email: ada, address: "198.51.100.1")
            #expect(try await fixtures.failedSignIns(ada) == [Times.at(25)])
            #expect(try await fixtures.failedSignIns(grace) == [Times.at(15)])
        }
    }
}
