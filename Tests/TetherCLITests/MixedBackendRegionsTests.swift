import Foundation
import Testing
import TetherAPI
import TetherCore
import TetherStore
import TetherStoreSQLite
import TetherSync
import TetherTesting

/// Peer protocol 2's domain records between backends: eu-west keeps its data in SQLite,
/// eu-central in PostgreSQL; each holds the other's replicas, and an account moves from one to
/// the other and back.
@Suite(
    "Regions on SQLite and PostgreSQL",
    .enabled(if: PostgresTestCluster.isAvailable, "needs the test command's PostgreSQL")
)
struct MixedBackendRegionsTests {
    @Test func aSQLiteAndAPostgreSQLRegionReplicateAndMoveAnAccountBothWays() async throws {
        var regions = try await ReplicationRegions.start(replicas: true, backends: ["eu-central": .postgres])
        let work = TemporaryDirectory.make(prefix: "tether-mixed")
        defer { TemporaryDirectory.remove(work) }
        let cli = CLIHarness(serverURL: regions.url("eu-west"))
        defer { TemporaryDirectory.remove(cli.configHome) }
        let neighbour = CLIHarness(serverURL: regions.url("eu-central"))
        defer { TemporaryDirectory.remove(neighbour.configHome) }
        do {
            // SQLite → PostgreSQL: eu-central comes to hold the eu-west account whole.
            let owner = try await BackedUpOwner.make(
                cli,
                email: "mixed@example.org",
                serial: "SER-MIXED-1",
                deviceName: "Bike lock",
                file: "ride.gpx",
                bytes: 300_000,
                in: work
            )
            let home = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
            let chunks = try await home.backupChunks(account: AccountID(rawValue: owner.account)).count
            try home.close()
            let heldAtPostgres = try await AccountReplicationTests.waitUntilHeld(
                at: "eu-central",
                of: "eu-west",
                chunks: chunks,
                in: regions
            )
            #expect(heldAtPostgres?.accounts == 1 && heldAtPostgres?.records == 3 + chunks)

            // PostgreSQL → SQLite: an account homed at eu-central, with a renamed device.
            let registered = try await neighbour.tryRegister("resident@example.org", "--region", "eu-central", "--json")
            #expect(registered.status == 0, "\(registered.stderr)")
            let resident = try await neighbour.claim(try await neighbour.pairingCode(), serial: "SER-MIXED-2")
            #expect(try await neighbour.run("devices", "rename", resident.id, "Front door", "--json").status == 0)
            let heldAtSQLite = try await AccountReplicationTests.waitUntilHeld(
                at: "eu-west",
                of: "eu-central",
                chunks: 0,
                in: regions
            )
            #expect(heldAtSQLite?.accounts == 1 && heldAtSQLite?.records == 1)
            let replica = try SQLiteStore.open(directory: regions.dataDirectory("eu-west"))
            let settings = try #require(
                try await replica.replicaRecords(home: RegionID(rawValue: "eu-central")!).first
            )
            let copy = try #require(
                try await replica.replicaRecord(
                    home: RegionID(rawValue: "eu-central")!,
                    account: settings.record.account,
                    kind: .settings,
                    name: ""
                )?.payload
            )
            let records = try AccountRecords.decode(copy, for: .replica)
            #expect(records[.devices].map { $0["name"] } == [.text("Front door")])

            // A settings record held in protocol 1's form is dropped at the upgrade (as
            // "v17" does) and eu-central's next round sends it again.
            try await regions.kill("eu-west")
            _ = try await replica.applyReplicaRecords(
                home: RegionID(rawValue: "eu-central")!,
                upserts: [],
                deleteKeys: [settings.key],
                deletePrefixes: [],
                deleteAccounts: [],
                at: Date()
            )
            try replica.close()
            try await regions.start("eu-west")
            let refetched = try await AccountReplicationTests.waitUntilHeld(
                at: "eu-west",
                of: "eu-central",
                chunks: 0,
                in: regions
            )
            #expect(refetched?.records == 1 && refetched?.rootHash == heldAtSQLite?.rootHash)

            // The eu-west account moves to PostgreSQL, with its device, history and backup.
            let before = try await AccountReplicationTests.post(
                credential: owner.device.credential,
                to: regions.url("eu-west")
            )
            #expect(before.status == 200)
            try await Self.move(
                cli,
                from: "eu-west",
                to: "eu-central",
                in: regions,
                owner: owner,
                work: work,
                events: 1
            )

            // And back to SQLite: nothing is lost on the way.
            let there = try await AccountReplicationTests.post(
                credential: owner.device.credential,
                to: regions.url("eu-central")
            )
            #expect(there.status == 200)
            try await Self.move(
                cli,
                from: "eu-central",
                to: "eu-west",
                in: regions,
                owner: owner,
                work: work,
                events: 3
            )
            #expect(await regions.signIn("mixed@example.org", at: "eu-central") == (421, "eu-west"))
        } catch {
            await regions.drop()
            throw error
        }
        await regions.drop()
    }

    /// Moves the owner's account from its home `source` to `target` and checks what arrived there: the device by its
    /// name, `events` telemetry events, the backup restored byte for byte, and the device's
    /// credential accepted at once.
    static func move(
        _ cli: CLIHarness,
        from source: String,
        to target: String,
        in regions: ReplicationRegions,
        owner: BackedUpOwner,
        work: URL,
        events: Int
    ) async throws {
        let moved = try await cli.run(
            "account",
            "move",
            "--region",
            target,
            "--server",
            regions.url(source).absoluteString,
            "--json"
        )
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(try moved.jsonObject()["region"] as? String == target)
        let server = regions.url(target).absoluteString
        let devices = try await cli.run("devices", "list", "--server", server, "--json")
        #expect(devices.status == 0, "\(devices.stderr)")
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(devices.stdout.utf8)) as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String } == ["Bike lock"])
        let history = try await cli.run("telemetry", "history", owner.device.id, "--server", server, "--json")
        #expect(history.status == 0, "\(history.stderr)")
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        #expect(stored.count == events, "\(history.stdout)")
        let restored = work.appendingPathComponent("restored-\(target)")
        let restore = try await cli.run(
            "backup",
            "restore",
            owner.snapshot,
            "--to",
            restored.path,
            "--server",
            server,
            "--json"
        )
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Data(contentsOf: restored.appendingPathComponent("tree/ride.gpx")) == owner.contents)
        let posted = try await AccountReplicationTests.post(
            credential: owner.device.credential,
            to: regions.url(target)
        )
        #expect(posted.status == 200 && posted.body["accepted"] as? Int == 1)
    }
}
