import Foundation
import Testing
import TetherTesting

#if canImport(Glibc)
import Glibc
#endif

/// `tetherd copy-store`: a region moves off SQLite onto PostgreSQL with everything, and the same
/// person signs in to the same devices, alerts and settings there.
@Suite("tetherd copy-store", .enabled(if: PostgresTestCluster.isAvailable, "needs the test command's PostgreSQL"))
struct CopyStoreTests {
    @Test(.timeLimit(.minutes(3)))
    func aSQLiteRegionMovesToPostgreSQLWithEverythingAndASecondCopyIsRefused() async throws {
        let directory = TemporaryDirectory.make()
        defer { TemporaryDirectory.remove(directory) }
        let window = ["--ts-max-past", "off", "--ts-max-future", "off"]

        // A SQLite region with an account, two devices, telemetry, an alert and a fence.
        let sqlite = try await TetherdProcess.start(dataDirectory: directory, arguments: window)
        let cli = CLIHarness(serverURL: sqlite.baseURL)
        try await cli.register("mover@example.org")
        let phone = try await cli.pairDevice(kind: "phone", serial: "COPY-PHONE")
        let tracker = try await cli.pairDevice(kind: "tracker", serial: "COPY-TAG")
        try await AlertsCLITests.walkAway(phone: phone.credential, from: tracker.credential, serverURL: sqlite.baseURL)
        let fence = try await cli.run(
            "fences",
            "add",
            "circle",
            "--keep-out",
            "--name",
            "Home",
            "--lat",
            "48.85",
            "--lon",
            "2.35",
            "--radius",
            "300m"
        )
        #expect(fence.status == 0, "\(fence.stderr)")
        let alertsBefore = try await Poll.value("the alert is listed") { () -> [[String: Any]]? in
            let listed = try await cli.json("alerts", "list") as? [[String: Any]] ?? []
            return listed.isEmpty ? nil : listed
        }
        let historyBefore = try #require(
            try await cli.json("telemetry", "history", tracker.id, "--since", "2000-01-01T00:00:00Z")
                as? [[String: Any]]
        )
        sqlite.command.send(signal: SIGTERM)
        _ = try await sqlite.command.wait()

        // Copied into a PostgreSQL database without Tether's schema.
        let database = try await TetherdBackend.postgres.makeDatabase(migrated: false)
        let url = try #require(database.arguments.last)
        let tetherd = CommandRunner("tetherd")
        let sqlitePath = "sqlite:" + directory.appendingPathComponent("tether.sqlite").path
        let copy = try await tetherd.run(["copy-store", "--from", sqlitePath, "--to", url])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stderr.contains("copying telemetry_event"))
        #expect(copy.stderr.contains("every row count matches"))
        let counts = Self.rowCounts(copy.stdout)
        #expect(counts["account"] == [1, 1])
        #expect(counts["device"] == [2, 2])
        #expect((counts["telemetry_event"]?.first ?? 0) >= historyBefore.count)
        #expect(counts.values.allSatisfy { $0.count == 2 && $0[0] == $0[1] })

        // The same person, devices, alert, fence and telemetry on PostgreSQL.
        let postgres = try await TetherdProcess.start(dataDirectory: directory, arguments: window + database.arguments)
        defer { postgres.command.send(signal: SIGKILL) }
        let again = CLIHarness(serverURL: postgres.baseURL)
        let login = try await again.run(
            arguments: ["account", "login", "--email", "mover@example.org", "--password-stdin"],
            input: "correct horse battery\n"
        )
        #expect(login.status == 0, "\(login.stderr)")
        let devices = try #require(try await again.json("devices", "list") as? [[String: Any]])
        #expect(Set(devices.compactMap { $0["id"] as? String }) == [phone.id, tracker.id])
        let alerts = try #require(try await again.json("alerts", "list") as? [[String: Any]])
        #expect(alerts.compactMap { $0["id"] as? String } == alertsBefore.compactMap { $0["id"] as? String })
        let fences = try #require(try await again.json("fences", "list") as? [[String: Any]])
        #expect(fences.compactMap { $0["name"] as? String } == ["Home"])
        let history = try #require(
            try await again.json("telemetry", "history", tracker.id, "--since", "2000-01-01T00:00:00Z")
                as? [[String: Any]]
        )
        #expect(
            history.compactMap { $0["event_id"] as? String } == historyBefore.compactMap { $0["event_id"] as? String }
        )

        // A target that holds rows is refused, naming the table, and keeps its rows.
        let refused = try await tetherd.run(["copy-store", "--from", sqlitePath, "--to", url])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("table account already holds rows"))
        #expect(try await again.json("devices", "list") as? [[String: Any]] != nil)
        postgres.command.send(signal: SIGTERM)
        _ = try await postgres.command.wait()
        await database.drop()
    }

    /// The `table sqlite postgres` lines copy-store prints, by table.
    static func rowCounts(_ output: String) -> [String: [Int]] {
        var counts: [String: [Int]] = [:]
        for line in output.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t")
            guard fields.count == 3 else { continue }
            counts[String(fields[0])] = fields.dropFirst().compactMap { Int($0) }
        }
        return counts
    }
}
