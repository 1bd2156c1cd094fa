import Testing
import TetherStore

/// `ping()`: what `/health` asks of the store.
struct StorePingTests {
    @Test(arguments: StoreBackendUnderTest.allCases)
    func pingAnswersWhileTheDatabaseIsOpen(backend: StoreBackendUnderTest) async throws {
        try await withStore(backend) { store in
            try await store.ping()
            try await Fixtures(store: store).account()
            try await store.ping()
        }
    }
}
