import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TetherAPI

/// Posts telemetry batches with a device credential, the way device firmware does
/// (`POST /v1/telemetry`, `../shared/WIRE.md`).
struct TelemetrySender: Sendable {
    let serverURL: URL
    let client: HTTPClient

    init(serverURL: URL, client: HTTPClient = .shared) {
        self.serverURL = serverURL
        self.client = client
    }

    /// Sends `events` as one batch and checks that every event was stored (or was a resend).
    func send(_ events: [WireEvent], credential: String, device: String) async throws {
        let (status, text) = try await self.post(events, credential: credential, device: device)
        guard status == 200 else {
            throw SimulationError("posting \(device)'s telemetry: HTTP \(status): \(text)")
        }
        let report = try JSONDecoder().decode(Components.Schemas.IngestReport.self, from: Data(text.utf8))
        guard report.rejected == 0, report.accepted + report.duplicate == events.count else {
            let reasons = report.errors.prefix(3).map { "event \($0.index): \($0.reason)" }.joined(separator: "; ")
            throw SimulationError(
                "posting \(device)'s telemetry: \(report.rejected) of \(events.count) events rejected (\(reasons))"
            )
        }
    }

    /// Sends `events` as one batch and returns the HTTP status and the body, whatever they are.
    func post(_ events: [WireEvent], credential: String, device: String) async throws -> (status: Int, body: String) {
        let body = try JSONEncoder().encode(WireBatch(events: events))
        var request = HTTPClientRequest(url: self.serverURL.appendingPathComponent("v1/telemetry").absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(credential)")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await self.client.execute(request, timeout: .seconds(30))
            let answer = try await response.body.collect(upTo: 1 << 20)
            return (Int(response.status.code), String(buffer: answer))
        } catch {
            throw SimulationError(
                "posting \(device)'s telemetry: cannot reach the server at \(self.serverURL.absoluteString): \(error)"
            )
        }
    }
}
