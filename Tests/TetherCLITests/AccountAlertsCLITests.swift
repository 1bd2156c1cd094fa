import Foundation
import Testing
import TetherTesting

/// `tether account emergency-contact` and `tether account webhook` against a real `tetherd`.
@Suite("tether account emergency-contact, webhook")
struct AccountAlertsCLITests {
    @Test func emergencyContactAndWebhook() async throws {
        try await AlertsCLIServer.withRegistered("contact@example.org") { cli, _ in
            let none = try #require(try await cli.json("account", "emergency-contact", "show") as? [String: Any])
            #expect(none.keys.sorted() == ["name", "phone"] && none["name"] is NSNull)

            let set = try #require(
                try await cli.json(
                    "account",
                    "emergency-contact",
                    "set",
                    "--name",
                    "Ann Example",
                    "--phone",
                    "+49 30 1234567"
                )
                    as? [String: Any]
            )
            #expect(set["name"] as? String == "Ann Example")
            let bad = try await cli.run("account", "emergency-contact", "set", "--name", "Bob", "--phone", "call me")
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("phone"))
            let shown = try #require(try await cli.json("account", "emergency-contact", "show") as? [String: Any])
            #expect(shown["name"] as? String == "Ann Example")
            #expect(shown["phone"] as? String == "+49 30 1234567")

            // Public addresses: the tests resolve no names (there may be no DNS).
            let webhook = try #require(
                try await cli.json("account", "webhook", "set", "https://1.1.1.1/tether") as? [String: Any]
            )
            #expect((webhook["secret"] as? String)?.isEmpty == false)
            let text = try await cli.run("account", "webhook", "set", "https://8.8.8.8/other")
            #expect(text.stdout.contains("shown once"))
            let badURL = try await cli.run("account", "webhook", "set", "ftp://hooks.example.org")
            #expect(badURL.status == 1)
            #expect(badURL.stderr.contains("url"))
            // The default `--webhook-targets public`: loopback in any form, and plain http, are refused.
            let loopback = try await cli.run("account", "webhook", "set", "https://127.1/hook")
            #expect(loopback.status == 1)
            #expect(loopback.stderr.contains("url"))
            #expect(
                loopback.stderr.contains("url names 127.1, which resolves to 127.0.0.1, a loopback address"),
                "\(loopback.stderr)"
            )
            let plain = try await cli.run("account", "webhook", "set", "http://8.8.8.8/hook")
            #expect(plain.status == 1)
            #expect(plain.stderr.contains("https"), "\(plain.stderr)")
            let hook = try #require(try await cli.json("account", "webhook", "show") as? [String: Any])
            #expect(hook["url"] as? String == "https://8.8.8.8/other")
            #expect(hook.keys.contains("secret") && hook["secret"] is NSNull)  // never shown again
            #expect(try await cli.run("account", "webhook", "remove").status == 0)
            let gone = try #require(try await cli.json("account", "webhook", "show") as? [String: Any])
            #expect(gone["url"] is NSNull)
            #expect(try await cli.run("account", "webhook", "remove").status == 1)
        }
    }
}
