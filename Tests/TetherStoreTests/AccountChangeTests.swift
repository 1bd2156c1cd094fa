import Foundation
import Testing
import TetherCore
import TetherStore
import TetherStoreSQLite

/// The account change sequence (kept by triggers) moves exactly when a replicated row changes:
/// a rename does, telemetry that restates the device's versions does not.
struct AccountChangeTests {
    @Test func aRenameRaisesTheSequenceAndRestatedVersionsDoNot() async throws {
        let store = try SQLiteStore.inMemory()
        let fixtures = Fixtures(store: store)
        let account = try await fixtures.account()
        let device = try await fixtures.device(for: account)
        func properties(_ software: String) -> TelemetryBatch {
            TelemetryBatch(
                device: device.id,
                events: [
                    TelemetryEvent(
                        id: UUID(),
                        timestamp: Times.start.milliseconds,
                        payload: .properties(DeviceProperties(hardwareVersion: "1.0", softwareVersion: software))
                    )
                ],
                receivedAt: Times.start
            )
        }
        _ = try await store.ingest([properties("3.0")])
        let first = try #require(try await store.accountChangeSequences()[account.id])

        _ = try await store.ingest([properties("3.0")])
        #expect(try await store.accountChangeSequences()[account.id] == first)

        _ = try await store.renameDevice(id: device.id, account: account.id, name: "Keys")
        let renamed = try #require(try await store.accountChangeSequences()[account.id])
        #expect(renamed > first)
    }
}
