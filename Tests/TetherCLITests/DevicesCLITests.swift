import Foundation
import Testing
import TetherServer
import TetherTesting

@Suite("tether pair, device claim, devices")
struct DevicesCLITests {
    @Test func pairClaimListRenameRemove() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("owner@example.org")
            let code = try await cli.pairingCode()
            #expect(code.count == 9 && code.contains("-"))

            // Typing is forgiving: lower case, no dash.
            let typed = code.lowercased().replacingOccurrences(of: "-", with: "")
            let claim = try await cli.run(
                "device",
                "claim",
                typed,
                "--serial",
                "SN-100",
                "--model",
                "TAG-1",
                "--kind",
                "earbuds",
                "--json"
            )
            #expect(claim.status == 0, "\(claim.stderr)")
            let claimed = try claim.jsonObject()
            let deviceID = try #require(claimed["device_id"] as? String)
            #expect((claimed["credential"] as? String)?.hasPrefix("tdc_") == true)

            let list = try await cli.run("devices", "list", "--json")
            let devices = try #require(try list.json() as? [[String: Any]])
            #expect(devices.count == 1)
            let device = try #require(devices.first)
            #expect(device["id"] as? String == deviceID)
            #expect(device["serial"] as? String == "SN-100")
            #expect(device["kind"] as? String == "earbuds")
            #expect(device["name"] as? String == "TAG-1")
            #expect(device.keys.contains("last_seen"))  // present, null until the device talks

            let table = try await cli.run("devices", "list")
            #expect(table.stdout.contains("SN-100"))
            #expect(table.stdout.contains("NAME"))

            let rename = try await cli.run("devices", "rename", deviceID, "Keys", "--json")
            #expect(try rename.jsonObject()["name"] as? String == "Keys")
            let show = try await cli.run("devices", "show", deviceID, "--json")
            #expect(try show.jsonObject()["name"] as? String == "Keys")

            let badName = try await cli.run("devices", "rename", deviceID, "")
            #expect(badName.status != 0)
            #expect(badName.stderr.contains("name"))

            let remove = try await cli.run("devices", "remove", deviceID, "--json")
            #expect(remove.status == 0)
            let remaining = try #require(try await cli.run("devices", "list", "--json").json() as? [Any])
            #expect(remaining.isEmpty)
            let showRemoved = try await cli.run("devices", "show", deviceID)
            #expect(showRemoved.status != 0)
            #expect(showRemoved.stderr.contains("not_found"))
        }
    }

    @Test func pairStartWaitsUntilTheDeviceClaims() async throws {
        try await TestServer.withRunning { server in
            let cli = CLIHarness(server: server)
            try await cli.register("waiter@example.org")
            let waiting = try cli.runner.start(["pair", "start", "--json", "--poll-interval", "0.2"])

            // The first line is the code; the device claims it while the owner's command waits.
            let code = try await Poll.value("pair start prints its code") { () -> String? in
                let firstLine = waiting.standardOutput().split(separator: "\n").first.map(String.init) ?? ""
                return (try? JSONSerialization.jsonObject(with: Data(firstLine.utf8)) as? [String: Any])?["code"]
                    as? String
            }
            let device = try await cli.claim(code, serial: "WAIT-1")

            let result = try await waiting.wait()
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            let paired = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
            #expect(paired["id"] as? String == device.id)
            #expect(paired["serial"] as? String == "WAIT-1")
        }
    }

    @Test func wrongReusedAndExpiredCodesFailAndCreateNothing() async throws {
        let clock = ManualClock()
        var config = ServerConfig.testing
        config.clock = clock.now
        try await TestServer.withRunning(config: config) { server in
            let cli = CLIHarness(server: server)
            try await cli.register("codes@example.org")

            let wrong = try await cli.run("device", "claim", "ZZZZ-ZZZZ", "--serial", "W-1", "--model", "TAG-1")
            #expect(wrong.status != 0)
            #expect(wrong.stderr.contains("pairing_code_not_found"))

            let malformed = try await cli.run("device", "claim", "0000", "--serial", "W-1", "--model", "TAG-1")
            #expect(malformed.status != 0)
            #expect(malformed.stderr.contains("code"))

            let code = try await cli.pairingCode()
            _ = try await cli.claim(code, serial: "R-1")
            let reused = try await cli.run("device", "claim", code, "--serial", "R-2", "--model", "TAG-1")
            #expect(reused.status != 0)
            #expect(reused.stderr.contains("pairing_code_used"))

            let expiring = try await cli.pairingCode()
            clock.advance(by: .seconds(601))
            let expired = try await cli.run("device", "claim", expiring, "--serial", "E-1", "--model", "TAG-1")
            #expect(expired.status != 0)
            #expect(expired.stderr.contains("pairing_code_expired"))

            let devices = try #require(try await cli.run("devices", "list", "--json").json() as? [[String: Any]])
            #expect(devices.map { $0["serial"] as? String } == ["R-1"])
        }
    }

    @Test func anotherAccountsDevicesAreInvisible() async throws {
        try await TestServer.withRunning { server in
            let alice = CLIHarness(server: server)
            let bob = CLIHarness(server: server)
            try await alice.register("alice@example.org")
            try await bob.register("bob@example.org")
            let device = try await alice.claim(try await alice.pairingCode(), serial: "ALICE-1")

            for arguments in [
                ["devices", "show", device.id], ["devices", "rename", device.id, "Mine"],
                ["devices", "remove", device.id],
            ] {
                let result = try await bob.run(arguments: arguments)
                #expect(result.status != 0, "bob ran \(arguments)")
                #expect(result.stderr.contains("not_found"))
            }
            let bobsList = try #require(try await bob.run("devices", "list", "--json").json() as? [Any])
            #expect(bobsList.isEmpty)

            // Bob cannot claim Alice's serial for himself.
            let steal = try await bob.run(
                "device",
                "claim",
                try await bob.pairingCode(),
                "--serial",
                "ALICE-1",
                "--model",
                "TAG-1"
            )
            #expect(steal.status != 0)
            #expect(steal.stderr.contains("serial_taken"))

            let alicesList = try #require(try await alice.run("devices", "list", "--json").json() as? [[String: Any]])
            #expect(alicesList.first?["name"] as? String == "TAG-1")
        }
    }
}
