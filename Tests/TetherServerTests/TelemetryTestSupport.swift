import Foundation
import HTTPTypes
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherStore
import TetherTesting

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

// Helpers for the telemetry tests: events in the wire form of WIRE.md, raw posts (gzip,
// malformed and oversize bodies the generated client would not send), and stored reads.

/// Events in the wire form, as JSON objects.
enum Wire {
    static func location(
        _ ts: Int64,
        id: UUID = UUID(),
        lat: Double = 52.52,
        lon: Double = 13.405,
        source: String = "gnss"
    ) -> [String: Any] {
        [
            "event_id": id.uuidString, "ts": ts, "kind": "location", "lat": lat, "lon": lon, "accuracy_m": 8.0,
            "source": source,
        ]
    }

    static func connection(_ ts: Int64, _ state: String, id: UUID = UUID()) -> [String: Any] {
        ["event_id": id.uuidString, "ts": ts, "kind": "connection", "state": state]
    }

    static func properties(_ ts: Int64, _ fields: [String: Any], id: UUID = UUID()) -> [String: Any] {
        fields.merging(["event_id": id.uuidString, "ts": ts, "kind": "properties"]) { _, header in header }
    }

    static func usage(
        _ ts: Int64,
        function: String = "find",
        operation: String = "ring",
        durationMs: Int64 = 4_000,
        id: UUID = UUID()
    ) -> [String: Any] {
        [
            "event_id": id.uuidString, "ts": ts, "kind": "usage", "function": function, "operation": operation,
            "start_ms": ts, "duration_ms": durationMs,
        ]
    }

    static func sos(_ ts: Int64, id: UUID = UUID()) -> [String: Any] {
        ["event_id": id.uuidString, "ts": ts, "kind": "sos"]
    }

    /// `{"events": events}` plus `extra` members.
    static func body(_ events: [Any], extra: [String: Any] = [:]) -> Data {
        try! JSONSerialization.data(withJSONObject: extra.merging(["events": events]) { _, new in new })
    }
}

/// A signed-in owner and one paired device.
struct PairedDevice {
    let user: SignedInUser
    let grant: Components.Schemas.ClaimGrant

    var id: String { self.grant.deviceId }
    var credential: String { self.grant.credential }
}

extension TestServer {
    /// Registers `email` and pairs one device with `serial` to it.
    func pairedDevice(_ email: String = "ada@example.org", serial: String = "SN-1") async throws -> PairedDevice {
        let user = try await self.register(email)
        return PairedDevice(user: user, grant: try await self.pairDevice(for: user, serial: serial))
    }

    /// Posts a raw body to `POST /v1/telemetry`.
    func postTelemetry(
        _ body: Data,
        credential: String?,
        contentType: String = "application/json",
        contentEncoding: String? = nil
    ) async throws -> RawResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let contentEncoding { headers[.contentEncoding] = contentEncoding }
        if let credential { headers[.authorization] = "Bearer \(credential)" }
        let (response, data) = try await self.send(.post, "/v1/telemetry", headers: headers, body: body)
        return RawResponse(response: response, body: data)
    }

    /// Posts `events` as `device` and returns the `200` report.
    @discardableResult
    func send(_ events: [Any], as device: PairedDevice) async throws -> IngestReport {
        try await self.postTelemetry(Wire.body(events), credential: device.credential).report()
    }

}

extension RawResponse {
    /// The `200` answer of `POST /v1/telemetry`.
    func report(sourceLocation: SourceLocation = #_sourceLocation) throws -> IngestReport {
        try #require(self.status == 200, "status \(self.status): \(self.text)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(IngestReport.self, from: self.body)
    }

    /// Expects a problem answer of `status`, `code` and `field`.
    func expectProblem(
        _ status: Int,
        _ code: String,
        field: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(self.status == status, "\(self.text)", sourceLocation: sourceLocation)
        #expect(self.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect(self.problem?.code == code, sourceLocation: sourceLocation)
        #expect(self.problem?.field == field, sourceLocation: sourceLocation)
    }
}

extension PairedDevice {
    /// The device's stored events, newest first, as its owner reads them.
    func history(
        since: Date = Date(timeIntervalSince1970: 0),
        until: Date? = nil,
        kind: Components.Schemas.TelemetryKind? = nil,
        limit: Int? = nil
    ) async throws -> [Components.Schemas.TelemetryRecord] {
        try await self.user.client.listTelemetry(
            path: .init(deviceId: self.id),
            query: .init(since: since, until: until, kind: kind, limit: limit)
        )
        .ok.body.json.events
    }

    /// The device as its owner reads it.
    func read() async throws -> Components.Schemas.Device {
        try await self.user.client.getDevice(path: .init(deviceId: self.id)).ok.body.json
    }
}

/// Compresses `data` with the system's `gzip`.
func gzip(_ data: Data) throws -> Data {
    let directory = TemporaryDirectory.make(prefix: "tether-gzip")
    defer { TemporaryDirectory.remove(directory) }
    let input = directory.appendingPathComponent("body")
    try data.write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-c", "-n", input.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    return compressed
}

/// The sum of the Prometheus samples of `metric` whose labels contain `label`.
func metricValue(_ text: String, _ metric: String, label: String) -> Double {
    text.split(separator: "\n")
        .filter { $0.hasPrefix(metric + "{") && $0.contains(label) }
        .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        .reduce(0, +)
}
