import Foundation
import Testing
import TetherCore
import TetherTesting

/// The whole life of an account through the `tether` CLI against a real `tetherd`, on each
/// backend: register, pair, telemetry, an alert, export, delete. The same commands and the same
/// answers whichever database the region runs on.
@Suite("end to end")
struct EndToEndCLITests {
    @Test(.timeLimit(.minutes(3)), arguments: TetherdBackend.available)
    func registerPairSendTelemetryRaiseAnAlertExportAndDelete(backend: TetherdBackend) async throws {
        try await AlertsCLIServer.withRegistered("life-\(backend)@example.org", backend: backend) { cli, serverURL in
            let phone = try await cli.pairDevice(kind: "phone", serial: "E2E-PHONE-\(backend)")
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "E2E-TAG-\(backend)")
            let devices = try #require(try await cli.json("devices", "list") as? [[String: Any]])
            #expect(Set(devices.compactMap { $0["id"] as? String }) == [phone.id, tracker.id])

            // The phone walks 200 m away from the tracker: one anti-lost alert.
            try await AlertsCLITests.walkAway(phone: phone.credential, from: tracker.credential, serverURL: serverURL)
            let alerts = try await Poll.value("the anti-lost alert is listed") { () -> [[String: Any]]? in
                let listed = try await cli.json("alerts", "list") as? [[String: Any]] ?? []
                return listed.isEmpty ? nil : listed
            }
            #expect(alerts.count == 1)
            #expect(alerts.first?["kind"] as? String == "anti_lost")
            #expect(alerts.first?["device_id"] as? String == tracker.id)

            // The export holds the devices and the telemetry-derived state.
            let file = cli.configHome.appendingPathComponent("export.json")
            let export = try await cli.run("account", "export", "--output", file.path)
            #expect(export.status == 0, "\(export.stderr)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            )
            let exported = try #require(document["devices"] as? [[String: Any]])
            #expect(Set(exported.compactMap { $0["id"] as? String }) == [phone.id, tracker.id])

            // Deleted: signed out, the device credentials dead, the email free again.
            let delete = try await cli.run("account", "delete", "--yes", "--json")
            #expect(delete.status == 0, "\(delete.stderr)")
            #expect(try await cli.run("account", "whoami").status != 0)
            await #expect(throws: DeviceTelemetryError.self) {
                try await DeviceTelemetry.postFix(
                    serverURL: serverURL,
                    credential: tracker.credential,
                    ts: Date().milliseconds,
                    lat: 52.52,
                    lon: 13.405
                )
            }
            let again = try await CLIHarness(serverURL: serverURL).register("life-\(backend)@example.org")
            #expect(again["account_id"] as? String != nil)
        }
    }
}
