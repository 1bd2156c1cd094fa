import Foundation
import Testing
import TetherTesting

/// `tether rules set/show/clear` against a real `tetherd`: values round-trip, each device sees
/// its effective values, and a bad value fails naming its field and changes nothing.
@Suite("tether rules")
struct RulesCLITests {
    @Test func setShowClearAndBadValues() async throws {
        try await AlertsCLIServer.withRegistered("rules@example.org") { cli, _ in
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "RULES-T")

            let set = try #require(
                try await cli.json("rules", "set", "--distance", "1.5km", "--dwell", "90s", "--repeat", "off")
                    as? [String: Any]
            )
            #expect(set["allowed_distance_m"] as? Double == 1_500)
            #expect(set["dwell_s"] as? Int == 90)
            #expect(set["repeat_interval_s"] as? Int == 0)
            #expect(set.keys.contains("low_battery_pct") && set["low_battery_pct"] is NSNull)
            let own = try #require(
                try await cli.json("rules", "set", "--device", tracker.id, "--distance", "45", "--silent-after", "2h")
                    as? [String: Any]
            )
            #expect(own["device_id"] as? String == tracker.id)
            #expect(own["allowed_distance_m"] as? Double == 45)
            #expect(own["silent_after_s"] as? Int == 7_200)

            let before = try #require(try await cli.json("rules", "show") as? [String: Any])
            let account = try #require(before["account"] as? [String: Any])
            #expect(account["allowed_distance_m"] as? Double == 1_500)
            let overrides = try #require(before["devices"] as? [[String: Any]])
            #expect(overrides.map { $0["device_id"] as? String } == [tracker.id])
            let effective = try #require(before["effective"] as? [[String: Any]])
            let trackerRules = try #require(effective.first { $0["device_id"] as? String == tracker.id })
            #expect(trackerRules["allowed_distance_m"] as? Double == 45)
            #expect(trackerRules["dwell_s"] as? Int == 90)  // from the account
            #expect(trackerRules["low_battery_pct"] as? Int == 15)  // the default
            let text = try await cli.run("rules", "show", "--device", tracker.id)
            #expect(text.status == 0)
            #expect(text.stdout.contains("1.5 km") && text.stdout.contains("45 m") && text.stdout.contains("effective"))

            // Refused before sending (exit 64), refused by the server (exit 1): both name the field.
            let negative = try await cli.run("rules", "set", "--distance", "-5m")
            #expect(negative.status == 64)
            #expect(negative.stderr.contains("--distance"))
            let tooFar = try await cli.run("rules", "set", "--distance", "500km")
            #expect(tooFar.status == 1)
            #expect(tooFar.stderr.contains("allowed_distance_m"))
            let badDwell = try await cli.run("rules", "set", "--dwell", "soon")
            #expect(badDwell.status == 64)
            #expect(badDwell.stderr.contains("--dwell"))
            let notAPhone = try await cli.run("rules", "set", "--phone", tracker.id)
            #expect(notAPhone.status == 1)
            #expect(notAPhone.stderr.contains("phone_id"))
            let nothing = try await cli.run("rules", "set")
            #expect(nothing.status == 64)
            let after = try #require(try await cli.json("rules", "show") as? [String: Any])
            #expect(NSDictionary(dictionary: after) == NSDictionary(dictionary: before))

            let cleared = try #require(try await cli.json("rules", "clear", "--device", tracker.id) as? [String: Any])
            #expect(cleared["allowed_distance_m"] as? Double == 1_500)
            let overview = try #require(try await cli.json("rules", "show", "--device", tracker.id) as? [String: Any])
            #expect((overview["devices"] as? [Any])?.isEmpty == true)
            let now = try #require((overview["effective"] as? [[String: Any]])?.first)
            #expect(now["allowed_distance_m"] as? Double == 1_500)
            #expect(try await cli.run("rules", "clear").status == 64)  // --device is required
        }
    }
}
