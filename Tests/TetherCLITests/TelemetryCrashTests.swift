import Foundation
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Group commit under a crash: every telemetry batch `tetherd` acknowledged survives a SIGKILL
/// that lands while other batches are in flight, and resending any batch afterwards stores
/// nothing twice.
@Suite("telemetry crash")
struct TelemetryCrashTests {
    static let senders = 8
    static let batchesPerSender = 40
    static let eventsPerBatch = 200
    /// The server is killed right after this many acknowledgements.
    static let killAfter = 30

    @Test(.timeLimit(.minutes(5)), arguments: TetherdBackend.available)
    func acknowledgedBatchesSurviveSIGKILLAndResendsStoreNothingTwice(backend: TetherdBackend) async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let database = try await backend.makeDatabase()
        let first = try await TetherdProcess.start(dataDirectory: directory, arguments: database.arguments)
        defer { first.command.send(signal: SIGKILL) }
        let owner = try await Owner.pair(devices: Self.senders, serverURL: first.baseURL)
        let batches = Self.plan(for: owner.credentials, base: Date().milliseconds - 600_000)

        // Fire every sender at once; the 30th acknowledgement kills the server.
        let ledger = Ledger(server: first, killAfter: Self.killAfter)
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<Self.senders {
                group.addTask {
                    for batch in batches where batch.sender == sender {
                        guard let report = await post(batch, to: first.baseURL) else {
                            let killed = await ledger.killed
                            #expect(killed, "batch \(batch.id) failed before the kill")
                            return
                        }
                        #expect(report == IngestReport(accepted: Self.eventsPerBatch))
                        await ledger.acknowledge(batch.id)
                    }
                }
            }
        }
        _ = try await first.command.wait()
        let acknowledged = await ledger.acknowledged
        #expect(acknowledged.count >= Self.killAfter)
        #expect(acknowledged.count < batches.count)

        // After a restart, every acknowledged batch is a duplicate; every batch completes once.
        let second = try await TetherdProcess.start(dataDirectory: directory, arguments: database.arguments)
        defer { second.command.send(signal: SIGKILL) }
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<Self.senders {
                group.addTask {
                    for batch in batches where batch.sender == sender {
                        guard let report = await post(batch, to: second.baseURL) else {
                            Issue.record("batch \(batch.id) failed after the restart")
                            return
                        }
                        // A batch commits whole or not at all.
                        #expect([0, Self.eventsPerBatch].contains(report.accepted))
                        #expect(report.accepted + report.duplicate == Self.eventsPerBatch)
                        if acknowledged.contains(batch.id) {
                            #expect(report.duplicate == Self.eventsPerBatch, "acknowledged batch \(batch.id) was lost")
                        }
                    }
                }
            }
        }

        // Exactly the distinct events are stored, and the daily usage counts each once.
        let client = owner.client(serverURL: second.baseURL)
        let perDevice = Self.batchesPerSender * Self.eventsPerBatch
        for device in owner.deviceIDs {
            let history = try await client.listTelemetry(
                path: .init(deviceId: device),
                query: .init(since: Date(milliseconds: batches[0].base - 1_000), limit: 10_000)
            )
            let events = try history.ok.body.json.events
            #expect(events.count == perDevice)
            #expect(Set(events.map(\.eventId)).count == perDevice)
            let usage = try await client.getDeviceUsage(path: .init(deviceId: device), query: .init(days: 2))
            #expect(try usage.ok.body.json.usage.reduce(0) { $0 + $1.count } == perDevice / 4)
        }
        second.command.send(signal: SIGKILL)
        _ = try? await second.command.wait()
        await database.drop()
    }

    /// Every sender's batches with unique event ids; one event in four is `usage`.
    private static func plan(for credentials: [String], base: Int64) -> [Batch] {
        credentials.enumerated().flatMap { sender, credential in
            (0..<Self.batchesPerSender).map { index in
                let events = (0..<Self.eventsPerBatch).map { offset -> [String: Any] in
                    let ts = base + Int64(index * Self.eventsPerBatch + offset)
                    let header: [String: Any] = ["event_id": UUID().uuidString, "ts": ts]
                    let fields: [String: Any] =
                        offset % 4 == 0
                        ? [
                            "kind": "usage", "function": "find", "operation": "ring", "start_ms": ts,
                            "duration_ms": 1_000,
                        ]
                        : ["kind": "location", "lat": 52.52, "lon": 13.405, "accuracy_m": 8.0, "source": "gnss"]
                    return header.merging(fields) { first, _ in first }
                }
                let body = try! JSONSerialization.data(withJSONObject: ["events": events])
                return Batch(id: sender * 1_000 + index, sender: sender, credential: credential, body: body, base: base)
            }
        }
    }
}

/// One prepared `POST /v1/telemetry`.
private struct Batch: Sendable {
    let id: Int
    let sender: Int
    let credential: String
    let body: Data
    /// The device time of the plan's first event.
    let base: Int64
}

/// Which batches were acknowledged; kills the server on the `killAfter`th.
private actor Ledger {
    let server: TetherdProcess
    let killAfter: Int
    private(set) var acknowledged: Set<Int> = []
    private(set) var killed = false

    init(server: TetherdProcess, killAfter: Int) {
        self.server = server
        self.killAfter = killAfter
    }

    func acknowledge(_ batch: Int) {
        self.acknowledged.insert(batch)
        if self.acknowledged.count == self.killAfter {
            self.server.command.send(signal: SIGKILL)
            self.killed = true
        }
    }
}

/// An account with paired devices, made through the generated client.
private struct Owner {
    let accessToken: String
    let deviceIDs: [String]
    let credentials: [String]

    static func pair(devices count: Int, serverURL: URL) async throws -> Owner {
        let anonymous = TetherClientFactory.client(serverURL: serverURL)
        let registration = Components.Schemas.RegisterRequest(
            email: "crash@example.org",
            password: "correct horse battery"
        )
        let grant = try await anonymous.registerAccount(body: .json(registration)).created.body.json
        let client = TetherClientFactory.client(serverURL: serverURL, tokens: StaticToken(grant.accessToken))
        var claims: [Components.Schemas.ClaimGrant] = []
        for index in 0..<count {
            let code = try await client.createPairingCode().created.body.json.code
            let request = Components.Schemas.ClaimRequest(code: code, serial: "CRASH-\(index)", model: "TAG-1")
            claims.append(try await anonymous.claimDevice(body: .json(request)).created.body.json)
        }
        return Owner(
            accessToken: grant.accessToken,
            deviceIDs: claims.map(\.deviceId),
            credentials: claims.map(\.credential)
        )
    }

    func client(serverURL: URL) -> Client {
        TetherClientFactory.client(serverURL: serverURL, tokens: StaticToken(self.accessToken))
    }
}

/// Posts a batch; the report of a `200`, `nil` for anything else (the server is gone).
private func post(_ batch: Batch, to serverURL: URL) async -> IngestReport? {
    var request = URLRequest(url: serverURL.appendingPathComponent("v1/telemetry"))
    request.httpMethod = "POST"
    request.httpBody = batch.body
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue("Bearer \(batch.credential)", forHTTPHeaderField: "Authorization")
    guard let (data, response) = try? await URLSession.shared.data(for: request),
        (response as? HTTPURLResponse)?.statusCode == 200
    else { return nil }
    return try? JSONDecoder().decode(IngestReport.self, from: data)
}
