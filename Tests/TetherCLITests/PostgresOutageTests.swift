import Foundation
import Testing
import TetherCore
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// PostgreSQL going away under a serving `tetherd`, and coming back: requests are answered
/// `503 store_unavailable` with `Retry-After: 1` while it is gone, nothing acknowledged is lost,
/// and the pool reconnects by itself. The cluster is the test's own (stopping the shared one
/// would fail every test beside it).
@Suite("PostgreSQL outage", .enabled(if: PostgresTestCluster.isAvailable, "needs the test command's PostgreSQL"))
struct PostgresOutageTests {
    @Test(.timeLimit(.minutes(5)))
    func aLostDatabaseAnswers503AndThePoolReconnectsWithNothingAcknowledgedLost() async throws {
        try await PrivatePostgresCluster.withCluster { cluster in
            let directory = TemporaryDirectory.make()
            defer { TemporaryDirectory.remove(directory) }
            let server = try await TetherdProcess.start(
                dataDirectory: directory,
                arguments: cluster.tetherdArguments + ["--ts-max-past", "off", "--ts-max-future", "off"]
            )
            defer { server.command.send(signal: SIGKILL) }
            let cli = CLIHarness(serverURL: server.baseURL)
            try await cli.register("outage@example.org")
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "OUTAGE-TAG")

            // One device posting one event at a time, keeping every answer.
            let device = OutageDevice(credential: tracker.credential, serverURL: server.baseURL)
            let sending = Task { await device.run() }
            try await Poll.until("events are acknowledged") { await device.acknowledged.count >= 5 }

            try await cluster.pause()
            let refusal: OutageDevice.Refusal
            do {
                refusal = try await Poll.value("a request is refused while the database is gone") {
                    await device.firstRefusal
                }
            } catch {
                Issue.record("tetherd's log: \(server.command.standardError().suffix(4_000))")
                throw error
            }
            #expect(refusal.status == 503)
            #expect(refusal.code == "store_unavailable")
            #expect(refusal.retryAfter == "1")
            let health = try await URLSession.shared.data(from: server.baseURL.appendingPathComponent("health"))
            #expect((health.1 as? HTTPURLResponse)?.statusCode == 503)

            try await cluster.resume()
            let acknowledgedBefore = await device.acknowledged.count
            try await Poll.until("the pool reconnects by itself") {
                await device.acknowledged.count >= acknowledgedBefore + 5
            }
            await device.stop()
            await sending.value

            // Every acknowledged event is stored once; a resend of any of them stores nothing.
            let acknowledged = await device.acknowledged
            let history = try #require(
                try await cli.json(
                    "telemetry",
                    "history",
                    tracker.id,
                    "--since",
                    "2000-01-01T00:00:00Z",
                    "--limit",
                    "10000"
                )
                    as? [[String: Any]]
            )
            let stored = Set(history.compactMap { ($0["event_id"] as? String)?.lowercased() })
            #expect(Set(acknowledged.map { $0.id.lowercased() }).isSubset(of: stored))
            for event in acknowledged.prefix(20) {
                let answer = try await OutageDevice.post(
                    event,
                    credential: tracker.credential,
                    serverURL: server.baseURL
                )
                #expect(answer.status == 200)
                #expect(answer.body["duplicate"] as? Int == 1)
            }
        }
    }
}

/// A device posting one location event at a time until stopped, recording what was
/// acknowledged and the first refusal.
private actor OutageDevice {
    struct Event: Sendable {
        let id: String
        let ts: Int64
    }

    struct Refusal: Sendable {
        let status: Int
        let code: String?
        let retryAfter: String?
    }

    let credential: String
    let serverURL: URL
    private(set) var acknowledged: [Event] = []
    private(set) var firstRefusal: Refusal?
    private var stopped = false

    init(credential: String, serverURL: URL) {
        self.credential = credential
        self.serverURL = serverURL
    }

    func run() async {
        var ts = Date().milliseconds - 60_000
        while !self.stopped {
            ts += 1
            let event = Event(id: UUID().uuidString, ts: ts)
            guard let answer = try? await Self.post(event, credential: self.credential, serverURL: self.serverURL)
            else { continue }
            if answer.status == 200 {
                self.acknowledged.append(event)
            } else if self.firstRefusal == nil {
                self.firstRefusal = Refusal(
                    status: answer.status,
                    code: answer.body["code"] as? String,
                    retryAfter: answer.retryAfter
                )
            }
        }
    }

    func stop() {
        self.stopped = true
    }

    static func post(
        _ event: Event,
        credential: String,
        serverURL: URL
    ) async throws -> (status: Int, body: [String: Any], retryAfter: String?) {
        let body: [String: Any] = [
            "events": [
                [
                    "event_id": event.id, "ts": event.ts, "kind": "location", "lat": 52.52, "lon": 13.405,
                    "accuracy_m": 5, "source": "gnss",
                ]
            ]
        ]
        var request = URLRequest(url: serverURL.appendingPathComponent("v1/telemetry"))
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(credential)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (http?.statusCode ?? 0, object, http?.value(forHTTPHeaderField: "Retry-After"))
    }
}
