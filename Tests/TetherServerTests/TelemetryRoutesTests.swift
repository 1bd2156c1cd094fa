import Foundation
import OpenAPIRuntime
import Testing
import TetherAPI
import TetherClient
import TetherCore
import TetherServer
import TetherTesting

/// `POST /v1/telemetry` (WIRE.md): per-event decisions, idempotency, limits, encodings,
/// credentials, the timestamp window and group commit. Reads are in `TelemetryRoutesTests+Reads`.
struct TelemetryRoutesTests {
    /// Device time "now" of the tests that run on a ``ManualClock`` at ``testEpoch``.
    static let now = testEpoch.milliseconds

    @Test
    func aMixedBatchStoresTheValidEventsAndRejectsTheRestByIndex() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let report = try await server.send(
                [
                    Wire.location(now - 3_000),
                    Wire.location(now - 2_000, lat: 91),
                    42,
                    ["event_id": UUID().uuidString, "ts": now, "kind": "teleport"],
                    ["ts": now, "kind": "sos"],
                    Wire.connection(now - 1_000, "connected"),
                    ["event_id": "not-a-uuid", "ts": now, "kind": "sos"],
                ],
                as: device
            )
            #expect(report.accepted == 2)
            #expect(report.duplicate == 0)
            #expect(report.rejected == 5)
            #expect(report.errors.map(\.index) == [1, 2, 3, 4, 6])
            #expect(report.errors.map(\.field) == ["lat", nil, "kind", "event_id", "event_id"])
            for error in report.errors {
                #expect(error.reason.hasPrefix(error.field ?? ""))
            }
            let stored = try await device.history()
            #expect(stored.map(\.kind) == [.connection, .location])
            #expect(stored.map(\.ts) == [Date(milliseconds: now - 1_000), Date(milliseconds: now - 3_000)])
        }
    }

    @Test
    func aResentBatchAnswersDuplicateAndStoresNothingNew() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let events = [Wire.location(now - 2_000), Wire.sos(now - 1_000), Wire.usage(now)]
            #expect(try await server.send(events, as: device) == IngestReport(accepted: 3))
            #expect(try await server.send(events, as: device) == IngestReport(duplicate: 3))
            // A resend with one new event stores only that one.
            let more = events + [Wire.connection(now, "connected")]
            #expect(try await server.send(more, as: device) == IngestReport(accepted: 1, duplicate: 3))
            #expect(try await device.history().count == 4)
            // The same event twice in one batch is stored once.
            let twice = Wire.sos(now - 500)
            #expect(try await server.send([twice, twice], as: device) == IngestReport(accepted: 1, duplicate: 1))
            #expect(try await device.history().count == 5)
        }
    }

    @Test
    func theSameEventIdFromAnotherDeviceIsNotADuplicate() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let first = try await server.pairedDevice()
            let second = PairedDevice(
                user: first.user,
                grant: try await server.pairDevice(for: first.user, serial: "SN-2")
            )
            let event = Wire.sos(now)
            #expect(try await server.send([event], as: first).accepted == 1)
            #expect(try await server.send([event], as: second).accepted == 1)
        }
    }

    @Test(arguments: [
        "", "not json", "[]", "{}", #"{"events": 5}"#, #"{"events": null}"#, #"{"evts": []}"#,
        #"{"events": [{"event_id": "5d0c1f6e-8d4b-4a57-9c1e-2f0e7a9b3c11", "ts": 1767225600000, "kind": "sos"}"#,
    ])
    func aBodyThatIsNotAnObjectWithEventsIsMalformedAndStoresNothing(body: String) async throws {
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let response = try await server.postTelemetry(Data(body.utf8), credential: device.credential)
            response.expectProblem(400, "malformed_body")
            #expect(try await device.history().isEmpty)
        }
    }

    @Test
    func anEmptyBatchIsAcknowledgedAsAHeartbeat() async throws {
        try await TestServer.withRunning { server in
            let device = try await server.pairedDevice()
            #expect(try await device.read().lastSeen == nil)
            #expect(try await server.send([], as: device) == IngestReport())
            // Nothing stored, but the device was heard from.
            #expect(try await device.read().lastSeen != nil)
            #expect(try await device.history().isEmpty)
        }
    }

    @Test
    func moreThanAThousandEventsAreRefusedWhole() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let events = (0..<1_001).map { Wire.location(now - Int64($0)) }
            let tooMany = try await server.postTelemetry(Wire.body(events), credential: device.credential)
            tooMany.expectProblem(413, "too_many_events", field: "events")
            #expect(try await device.history().isEmpty)
            // A thousand is the limit, not over it.
            #expect(try await server.send(Array(events.dropLast()), as: device).accepted == 1_000)
        }
    }

    @Test
    func aBodyOverOneMebibyteIsRefused() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let body = Wire.body([Wire.sos(now)], extra: ["pad": String(repeating: "a", count: 1 << 20)])
            let response = try await server.postTelemetry(body, credential: device.credential)
            response.expectProblem(413, "body_too_large")
            #expect(try await device.history().isEmpty)
        }
    }

    @Test
    func aGzipBodyIsAccepted() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let body = try gzip(Wire.body([Wire.location(now - 1_000), Wire.sos(now)]))
            for encoding in ["gzip", "GZIP"] {
                let response = try await server.postTelemetry(
                    body,
                    credential: device.credential,
                    contentEncoding: encoding
                )
                #expect(try response.report().accepted + response.report().duplicate == 2)
            }
            #expect(try await device.history().map(\.kind) == [.sos, .location])
        }
    }

    @Test
    func aGzipBodyIsLimitedByItsDecompressedSize() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let json = Wire.body([Wire.sos(now)], extra: ["pad": String(repeating: " ", count: 2 << 20)])
            let bomb = try gzip(json)
            #expect(bomb.count < 16 << 10)
            let response = try await server.postTelemetry(bomb, credential: device.credential, contentEncoding: "gzip")
            response.expectProblem(413, "body_too_large")
            #expect(try await device.history().isEmpty)
        }
    }

    @Test
    func aBodyThatIsNotGzipIsMalformed() async throws {
        try await TestServer.withRunning { server in
            let device = try await server.pairedDevice()
            let body = Data("this is not gzip at all, just text".utf8)
            let response = try await server.postTelemetry(body, credential: device.credential, contentEncoding: "gzip")
            response.expectProblem(400, "malformed_body")
        }
    }

    @Test
    func aGzipBodyWithoutItsTrailerIsMalformed() async throws {
        try await TestServer.withRunning { server in
            let device = try await server.pairedDevice()
            let truncated = Data(try gzip(Wire.body([])).dropLast(8))
            let response = try await server.postTelemetry(
                truncated,
                credential: device.credential,
                contentEncoding: "gzip"
            )
            response.expectProblem(400, "malformed_body")
        }
    }

    @Test
    func unsupportedEncodingsAndMediaTypesAreRefused() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let body = Wire.body([Wire.sos(now)])
            for encoding in ["br", "deflate", "compress"] {
                let response = try await server.postTelemetry(
                    body,
                    credential: device.credential,
                    contentEncoding: encoding
                )
                response.expectProblem(415, "unsupported_encoding")
            }
            let text = try await server.postTelemetry(body, credential: device.credential, contentType: "text/plain")
            text.expectProblem(415, "unsupported_media_type")
            #expect(try await device.history().isEmpty)
        }
    }

    @Test
    func onlyALiveDeviceCredentialMaySend() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let body = Wire.body([Wire.sos(now)])
            for credential in [nil, "tdc_forged", device.user.accessToken, device.user.refreshToken] {
                let response = try await server.postTelemetry(body, credential: credential)
                response.expectProblem(401, "unauthenticated")
                #expect(response.header("WWW-Authenticate") == "Bearer")
            }
            // The credential is checked before the body: a stranger learns nothing about it.
            try await server.postTelemetry(Data("nonsense".utf8), credential: "tdc_forged")
                .expectProblem(401, "unauthenticated")
            #expect(try await server.send([Wire.sos(now - 1)], as: device).accepted == 1)

            _ = try await device.user.client.removeDevice(path: .init(deviceId: device.id)).ok
            try await server.postTelemetry(body, credential: device.credential).expectProblem(401, "unauthenticated")
        }
    }

    @Test
    func eventsOutsideTheTimestampWindowAreRejectedOneByOne() async throws {
        let now = Self.now
        var config = ServerConfig.testing(clock: ManualClock(start: testEpoch))
        config.timestampWindow = TimestampWindow(maxPast: .seconds(3_600), maxFuture: .seconds(60))
        try await TestServer.withRunning(config: config) { server in
            let device = try await server.pairedDevice()
            let report = try await server.send(
                [
                    Wire.sos(now - 3_600_001), Wire.sos(now - 3_600_000), Wire.sos(now + 60_000),
                    Wire.sos(now + 60_001),
                ],
                as: device
            )
            #expect(report.accepted == 2)
            #expect(report.rejected == 2)
            #expect(report.errors.map(\.index) == [0, 3])
            #expect(report.errors.map(\.field) == ["ts", "ts"])
            #expect(report.errors.first?.reason.contains("in the past") == true)
            #expect(report.errors.last?.reason.contains("in the future") == true)
        }
    }

    @Test
    func anUnboundedWindowAcceptsOldTimestamps() async throws {
        let june2023: Int64 = 1_685_577_600_000
        try await TestServer.withRunning { server in
            let device = try await server.pairedDevice()
            let report = try await server.send([Wire.sos(june2023)], as: device)
            #expect(report.errors.map(\.field) == ["ts"])
        }
        var config = ServerConfig.testing
        config.timestampWindow = .unbounded
        try await TestServer.withRunning(config: config) { server in
            let device = try await server.pairedDevice()
            #expect(
                try await server.send([Wire.sos(june2023), Wire.location(june2023 + 1_000)], as: device).accepted == 2
            )
            let stored = try await device.history().map(\.ts)
            #expect(stored == [Date(milliseconds: june2023 + 1_000), Date(milliseconds: june2023)])
        }
    }

    @Test
    func historyKeepsTheMillisecondsOfDeviceTimes() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            _ = try await server.send([Wire.sos(now - 1_250)], as: device)
            let stored = try await device.history()
            #expect(stored.map(\.ts) == [Date(milliseconds: now - 1_250)])
        }
    }

    @Test
    func propertiesWithoutAnIPRecordTheRequestsAddress() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            _ = try await server.send([Wire.properties(now - 1_000, ["battery_pct": 81])], as: device)
            #expect(try await device.history().first?.data.ip == "127.0.0.1")
            #expect(try await device.read().telemetry?.properties?.ip == "127.0.0.1")

            // An address the device reports itself is kept.
            _ = try await server.send([Wire.properties(now, ["ip": "203.0.113.7"])], as: device)
            #expect(try await device.history().first?.data.ip == "203.0.113.7")
            #expect(try await device.read().telemetry?.properties?.ip == "203.0.113.7")
        }
    }

    @Test
    func theGeneratedClientsBatchIsAccepted() async throws {
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let event = Components.Schemas.TelemetryEvent(
                value1: .init(eventId: UUID().uuidString, ts: Self.now, kind: .location),
                value2: .init(lat: 52.52, lon: 13.405, accuracyM: 8, source: .gnss)
            )
            let client = server.client(token: device.credential)
            let report = try await client.postTelemetry(body: .json(.init(events: [event]))).ok.body.json
            #expect(report.accepted == 1)
            #expect(report.errors.isEmpty)
            #expect(try await device.history().first?.data.source == .gnss)
        }
    }

    @Test
    func concurrentPostsFromSeveralDevicesAreAllAcknowledgedAndAddUp() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let user = try await server.register()
            var devices: [PairedDevice] = []
            for index in 0..<6 {
                devices.append(
                    PairedDevice(user: user, grant: try await server.pairDevice(for: user, serial: "SN-\(index)"))
                )
            }
            // 8 batches of 50 per device, each sent twice at once: 96 posts in flight together.
            let posts = devices.indices.flatMap { device in
                (0..<8).flatMap { batch in
                    let events = (0..<50).map { Wire.location(now - Int64(batch * 50 + $0) * 10) }
                    let post = (device: device, credential: devices[device].credential, body: Wire.body(events))
                    return [post, post]
                }
            }
            let reports = try await withThrowingTaskGroup(of: (Int, IngestReport).self) { group in
                for post in posts {
                    group.addTask {
                        (post.device, try await server.postTelemetry(post.body, credential: post.credential).report())
                    }
                }
                return try await group.reduce(into: [(Int, IngestReport)]()) { $0.append($1) }
            }
            #expect(reports.count == posts.count)
            for (index, device) in devices.enumerated() {
                let mine = reports.filter { $0.0 == index }.map(\.1)
                #expect(mine.reduce(0) { $0 + $1.accepted } == 400)
                #expect(mine.reduce(0) { $0 + $1.duplicate } == 400)
                #expect(mine.allSatisfy { $0.rejected == 0 && $0.accepted + $0.duplicate == 50 })
                #expect(try await device.history(limit: 10_000).count == 400)
            }
        }
    }

    @Test
    func metricsCountIngestedEvents() async throws {
        let now = Self.now
        try await TestServer.withRunning(config: .testing(clock: ManualClock(start: testEpoch))) { server in
            let device = try await server.pairedDevice()
            let operatorToken = try await server.addOperatorToken()
            let metrics = {
                try await String(
                    collecting: server.client(token: operatorToken).getMetrics().ok.body.plainText,
                    upTo: 1 << 22
                )
            }
            let before = try await metrics()
            _ = try await server.send([Wire.sos(now), Wire.sos(now - 1), Wire.location(now, lat: 99)], as: device)
            let after = try await metrics()
            #expect(after.contains("tether_telemetry_events"))
            for (label, count) in [(#"outcome="accepted""#, 2.0), (#"outcome="rejected""#, 1.0)] {
                let added =
                    metricValue(after, "tether_telemetry_events", label: label)
                    - metricValue(before, "tether_telemetry_events", label: label)
                #expect(added >= count)
            }
        }
    }
}
