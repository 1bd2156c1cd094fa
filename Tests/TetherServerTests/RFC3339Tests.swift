import Foundation
import Testing
import TetherAPI
import TetherServer
import TetherTesting

/// Date-times as the contract's `format: date-time` (RFC 3339) allows them (issue 17, the
/// fuzzed contract: `since=0047-06-24T13:30:54+19:42` was refused as "not valid JSON").
struct RFC3339Tests {
    /// Date-times and the seconds since 1970 they name.
    static let dateTimes: [(String, Double)] = [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2026-11-23T17:34:29.123Z", 1_795_455_269.123),
        ("2026-11-23t19:34:29.123+02:00", 1_795_455_269.123),
        ("2026-11-23T17:34:29.123456789z", 1_795_455_269.123456789),
        ("2026-11-24T17:04:29-23:30", 1_795_455_269 + 169_200),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
        ("1969-12-31T23:59:59Z", -1),
        ("0047-06-24T13:30:54+19:42", -60_668_979_066),
    ]

    @Test(arguments: dateTimes)
    func readsEveryRFC3339DateTime(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_5)
    }

    @Test(arguments: [
        "", "2026-11-23", "2026-11-23T17:34:29", "2026-11-23 17:34:29Z", "2023-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T17:34:29.Z", "2026-11-23T17:34:29+24:00",
        "2026-11-23T17:34:29+02", "2026-11-23T17:34:29Zjunk", "+2026-11-23T17:34:29Z",
    ])
    func refusesWhatIsNotOne(text: String) {
        #expect(RFC3339.date(text) == nil)
    }

    @Test
    func theServerTakesAnOffsetBeyondEighteenHours() async throws {
        try await TestServer.withRunning(connection: .inProcess) { server in
            let user = try await server.register()
            let device = try await server.pairDevice(for: user)
            let since = "0047-06-24T13:30:54%2B19:42"
            let response = try await server.raw(
                "GET",
                "/v1/devices/\(device.deviceId)/telemetry?since=\(since)&until=2026-11-23T17:34:29.960305-12:57",
                token: user.accessToken
            )
            #expect(response.status == 200, "\(response.text)")
        }
    }
}
