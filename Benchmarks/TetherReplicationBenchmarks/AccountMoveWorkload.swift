import Foundation
import TetherCore
import TetherStore
import TetherStoreSQLite

/// A moving account's records (``AccountRecords``) end to end between two SQLite stores in
/// memory: one account with a paired tracker and `events` telemetry events, read at the old
/// home, encoded as the `adopt` body carries them, read back, and written into a new home.
struct AccountMoveWorkload: Sendable {
    let home: SQLiteStore
    let account: AccountID

    static func make(events: Int) async throws -> AccountMoveWorkload {
        let home = try SQLiteStore.inMemory()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let account = Account(
            id: .random(),
            email: try EmailAddress("mover@example.org"),
            homeRegion: RegionID(rawValue: "eu-west")!,
            createdAt: start
        )
        try await home.createAccount(account, passwordHash: "$2b$12$benchmark", signup: SignupHint())
        let request = PairingRequest(
            id: .random(),
            account: account.id,
            codeHash: "code-benchmark",
            createdAt: start,
            expiresAt: start.addingTimeInterval(600)
        )
        _ = try await home.createPairingRequest(request)
        let device = try await home.claimPairingCode(
            codeHash: request.codeHash,
            claim: try DeviceClaim(serial: "SN-BENCH-1", model: "TAG-1", kind: nil),
            credentialHash: "credential-benchmark",
            now: start
        )
        for batch in stride(from: 0, to: events, by: 500) {
            let events = (batch..<min(batch + 500, events)).map { index in
                TelemetryEvent(
                    id: UUID(),
                    timestamp: start.milliseconds + Int64(index) * 1_000,
                    payload: .location(
                        LocationFix(
                            latitude: 52.52 + Double(index % 100) / 10_000,
                            longitude: 13.405,
                            accuracyMeters: 8,
                            source: .gnss
                        )
                    )
                )
            }
            _ = try await home.ingest([TelemetryBatch(device: device.id, events: events, receivedAt: start)])
        }
        return AccountMoveWorkload(home: home, account: account.id)
    }

    /// One move's records: read, encoded, decoded and imported into a new store. Returns the
    /// encoded size.
    func move() async throws -> Int {
        guard let records = try await self.home.movingAccountRecords(account: self.account) else { return 0 }
        let bytes = try records.encoded()
        let arrived = try AccountRecords.decode(bytes, for: .move)
        let target = try SQLiteStore.inMemory()
        defer { try? target.close() }
        try await target.importMovedAccount(arrived, home: RegionID(rawValue: "us")!, at: Date())
        return bytes.count
    }
}
