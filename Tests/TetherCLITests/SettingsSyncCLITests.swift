import Foundation
import Testing
import TetherCore
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// `tether sync` against real `tetherd` processes: edits made while the server is down are
/// queued in the profile's replica and pushed by the next command; two clients' concurrent edits
/// keep the later one, with the other in `tether sync conflicts`, even when one client's clock
/// is an hour ahead (libfaketime).
@Suite("settings sync CLI", .serialized)
struct SettingsSyncCLITests {
    /// libfaketime's wrapper, which runs a program with its clock shifted.
    static let fakeTime = "/usr/bin/faketime"

    /// A `tetherd` that can be stopped and started again on the same port and data.
    struct Server {
        let port: Int
        let data: URL
        var process: TetherdProcess?

        static func start() async throws -> Server {
            var server = Server(port: try FreePort.pick(1)[0], data: TemporaryDirectory.make())
            try await server.restart()
            return server
        }

        var url: URL { URL(string: "http://127.0.0.1:\(self.port)")! }

        mutating func restart() async throws {
            self.process = try await TetherdProcess.start(dataDirectory: self.data, port: self.port)
        }

        mutating func kill() async throws {
            self.process?.command.send(signal: SIGKILL)
            _ = try await self.process?.command.wait()
            self.process = nil
        }
    }

    /// A second `tether` profile signed in to the same account, with extra environment.
    static func secondClient(
        of first: CLIHarness,
        email: String,
        server: URL,
        launcher: [String] = []
    )
        async throws -> CLIHarness
    {
        let second = CLIHarness(serverURL: server, launcher: launcher)
        let login = try await second.run(
            arguments: ["account", "login", "--email", email, "--password-stdin"],
            input: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        return second
    }

    @Test func editsMadeWhileTheServerIsDownArePushedByTheNextCommand() async throws {
        var server = try await Server.start()
        defer { if let process = server.process { process.command.send(signal: SIGKILL) } }
        let cli = CLIHarness(serverURL: server.url)
        try await cli.register("ada@example.org")
        let device = try await cli.claim(try await cli.pairingCode(), serial: "TAG-SYNC-1")
        let first = try await cli.run("sync", "--json")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try first.jsonObject()["pulled"] as? Int ?? 0 > 0)

        try await server.kill()
        for arguments in [
            ["devices", "rename", device.id, "Keys"],
            ["rules", "set", "--distance", "80m"],
            [
                "fences", "add", "circle", "--safe", "--name", "Gym", "--lat", "52.5", "--lon", "13.4", "--radius",
                "80m",
            ],
            ["dnd", "off"],
        ] {
            let queued = try await cli.run(arguments: arguments + ["--json"])
            #expect(queued.status == 0, "\(arguments): \(queued.stderr) \(queued.stdout)")
            #expect(try queued.jsonObject()["queued"] as? Bool == true)
            #expect(queued.stderr.contains("queued"))
        }
        // What cannot be done offline says so and queues nothing.
        let snooze = try await cli.run("dnd", "snooze", "--for", "1h")
        #expect(snooze.status != 0)

        try await server.restart()
        let devices = try await cli.run("devices", "list", "--json")
        #expect(devices.status == 0, "\(devices.stderr)")
        #expect(devices.stderr.contains("synced 8 queued setting edit(s)"), "\(devices.stderr)")
        #expect(devices.stdout.contains(#""name":"Keys""#), "\(devices.stdout)")
        let rules = try await cli.run("rules", "show", "--json")
        #expect(rules.stdout.contains(#""allowed_distance_m":80"#), "\(rules.stdout)")
        let fences = try await cli.run("fences", "list", "--json")
        #expect(fences.stdout.contains(#""name":"Gym""#), "\(fences.stdout)")
        let dnd = try await cli.run("dnd", "list", "--json")
        #expect(dnd.stdout.contains(#""enabled":false"#), "\(dnd.stdout)")
        let after = try await cli.run("sync", "--json")
        #expect(try after.jsonObject()["pending"] as? Int == 0)

        // Deleting the account deletes the local replica too.
        let replicas = {
            try FileManager.default.contentsOfDirectory(atPath: cli.configHome.appendingPathComponent("tether").path)
                .filter { $0.hasPrefix("settings-") }
        }
        #expect(try !replicas().isEmpty)
        #expect(try await cli.run("account", "delete", "--yes").status == 0)
        #expect(try replicas().isEmpty)
    }

    @Test func concurrentEditsKeepTheLaterOneWhenAClockIsAnHourAhead() async throws {
        try #require(
            FileManager.default.fileExists(atPath: Self.fakeTime),
            "faketime is missing: apt-get install faketime (scripts/test.sh does)"
        )
        var server = try await Server.start()
        defer { if let process = server.process { process.command.send(signal: SIGKILL) } }
        let laptop = CLIHarness(serverURL: server.url)
        try await laptop.register("grace@example.org")
        let device = try await laptop.claim(try await laptop.pairingCode(), serial: "TAG-SYNC-2")
        let phone = try await Self.secondClient(
            of: laptop,
            email: "grace@example.org",
            server: server.url,
            launcher: [Self.fakeTime, "-f", "+1h"]
        )
        #expect(try await laptop.run("sync").status == 0)
        let calibrated = try await phone.run("sync")
        #expect(calibrated.status == 0, "\(calibrated.stderr)")

        // Both rename the device while the server is down; the phone does so later than the two
        // corrected clocks can tell apart: a second, and half of each client's best round trip
        // (the uncertainty of its clock offset, long on a loaded machine). No time has to pass
        // for that: the phone's rename runs with its clock that much further ahead, and its
        // calibrated offset still takes off only the hour.
        let gap = try Self.orderingGap(laptop, phone)
        try await server.kill()
        #expect(try await laptop.run("devices", "rename", device.id, "Laptop's name").status == 0)
        var later = phone.runner
        later.launcher = [Self.fakeTime, "-f", "+\(3_600 + Int((gap / .milliseconds(1)).rounded(.up)) / 1_000 + 1)"]
        #expect(try await later.run(["devices", "rename", device.id, "Phone's name"]).status == 0)
        try await server.restart()

        #expect(try await laptop.run("sync").status == 0)
        let synced = try await phone.run("sync", "--json")
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try synced.jsonObject()["pushed"] as? Int == 1, "\(synced.stdout) \(synced.stderr)")
        let conflicts = try await laptop.run("sync", "conflicts", "--json")
        #expect(conflicts.stdout.contains(#""lost":"\"Laptop's name\"""#), "\(conflicts.stdout)")
        let devices = try await laptop.run("devices", "list", "--json")
        #expect(devices.stdout.contains(#""name":"Phone's name""#), "\(devices.stdout)")
    }

    /// A second plus half the best round trip of each client's settings replica: how far apart
    /// in real time two edits must be for the later one to carry the later corrected time.
    static func orderingGap(_ clients: CLIHarness...) throws -> Duration {
        var gap = Duration.seconds(1)
        for client in clients {
            let directory = client.configHome.appendingPathComponent("tether")
            let name = try #require(
                try FileManager.default.contentsOfDirectory(atPath: directory.path).first {
                    $0.hasPrefix("settings-") && $0.hasSuffix(".json")
                }
            )
            let replica = try JSONDecoder().decode(
                SettingsReplica.self,
                from: Data(contentsOf: directory.appendingPathComponent(name))
            )
            gap += .milliseconds(try #require(replica.clockOffsetRoundTripMillis) / 2 + 1)
        }
        return gap
    }
}
